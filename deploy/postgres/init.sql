-- One database per service (a service never reads another's).
CREATE DATABASE assessment;
CREATE DATABASE planning;
CREATE DATABASE delivery;
CREATE DATABASE evaluation;
CREATE DATABASE buyers;
-- Person keys, apart from the events they open (a restored events database brings no key back).
CREATE DATABASE delivery_keys;
CREATE DATABASE evaluation_keys;
