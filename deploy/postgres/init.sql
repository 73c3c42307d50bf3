-- One database per service (a service never reads another's).
CREATE DATABASE assessment;
CREATE DATABASE planning;
CREATE DATABASE delivery;
CREATE DATABASE evaluation;
CREATE DATABASE buyers;
