BEGIN TRANSACTION;
CREATE TABLE buyers_deliveries (
	delivery_id INTEGER NOT NULL, 
	endpoint_id VARCHAR(40) NOT NULL, 
	position INTEGER NOT NULL, 
	ordering_key VARCHAR(200) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	attempts INTEGER NOT NULL, 
	next_attempt_at DATETIME NOT NULL, 
	last_status_code INTEGER, 
	last_error TEXT, 
	delivered_at DATETIME, 
	PRIMARY KEY (delivery_id), 
	CONSTRAINT uq_buyers_delivery UNIQUE (endpoint_id, position)
);
CREATE TABLE buyers_delivery_attempts (
	attempt_id INTEGER NOT NULL, 
	delivery_id INTEGER NOT NULL, 
	attempt INTEGER NOT NULL, 
	at DATETIME NOT NULL, 
	status_code INTEGER, 
	error TEXT, 
	duration_ms INTEGER NOT NULL, 
	PRIMARY KEY (attempt_id)
);
CREATE TABLE buyers_endpoint_secrets (
	endpoint_id VARCHAR(40) NOT NULL, 
	created_at DATETIME NOT NULL, 
	secret VARCHAR(200) NOT NULL, 
	expires_at DATETIME, 
	PRIMARY KEY (endpoint_id, created_at)
);
INSERT INTO "buyers_endpoint_secrets" VALUES('ep_2ca8434896bb4a068655c9ec1d7016ec','2026-12-04 19:13:20.820875','fernet:gAAAAABrExDQ_evPjYiAQfV9utlIW0FogeP1veYZH80Ay3ViBRiQTXxj1PpPcT-PRvIZj8KmvnUZqQhbPjISH6XG07OUf5FuucfATitOfjWfDvAn5k13ER-kYD850fFvhrXHzEAoaGi9poF7a8emcMmw5qqGYWJO5g==',NULL);
CREATE TABLE buyers_endpoints (
	endpoint_id VARCHAR(40) NOT NULL, 
	buyer VARCHAR(300) NOT NULL, 
	url VARCHAR(2000) NOT NULL, 
	types TEXT NOT NULL, 
	description VARCHAR(300), 
	active BOOLEAN NOT NULL, 
	created_at DATETIME NOT NULL, 
	created_by VARCHAR(300) NOT NULL, 
	PRIMARY KEY (endpoint_id)
);
INSERT INTO "buyers_endpoints" VALUES('ep_2ca8434896bb4a068655c9ec1d7016ec','Otto Group','http://127.0.0.1:9/otto-wecare','[]',NULL,1,'2026-12-04 19:13:20.820875','Otto compliance');
CREATE TABLE buyers_factories (
	factory_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	PRIMARY KEY (factory_id, country)
);
INSERT INTO "buyers_factories" VALUES('f-old','bd','f-old Garments');
CREATE TABLE buyers_facts (
	event_id VARCHAR(36) NOT NULL, 
	type VARCHAR(100) NOT NULL, 
	source VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	programme_id VARCHAR(100), 
	occurred_at DATETIME NOT NULL, 
	data TEXT NOT NULL, 
	PRIMARY KEY (event_id)
);
INSERT INTO "buyers_facts" VALUES('1c4472b1-bef4-4d83-b77b-220f1c4fef0e','org.wecare.assessment.completed.v1','/wecare/bd/assessment','bd','f-old',NULL,'2026-12-04 19:13:19.862817','{"assessment_id":"a-f-old","completed_on":"2026-02-05","factory_name":"f-old Garments","headcount":1200,"headcount_female":774,"headcount_male":426,"needs":["childcare","maternal_health","parenting_family_support","young_workers","financial_psychological_support","flexible_work_wellbeing","responsible_recruitment"]}');
INSERT INTO "buyers_facts" VALUES('38306976-0088-4bb0-84a8-0ecd9d8a58b1','org.wecare.plan.approved.v1','/wecare/bd/planning','bd','f-old','otto-f-old','2026-12-04 19:13:20.183640','{"activities":["family_day","migrant_parents_training","responsible_recruitment","training_of_trainers"],"approved_on":"2026-03-10","credits":10,"kpis":[{"baseline":1.0,"indicator":"share_parents_cannot_afford_basics","target":0.67},{"baseline":1.0,"indicator":"share_separated_parents_feel_guilty","target":0.67},{"baseline":0.2,"indicator":"share_women_not_returned_after_pregnancy","target":0.1},{"baseline":1.0,"indicator":"share_high_stress","target":0.67}],"milestones":[{"due":"2026-03-31","name":"Kick-off held"},{"due":"2026-05-13","name":"Family Day delivered"},{"due":"2026-07-25","name":"Migrant Parents Training delivered"},{"due":"2026-10-05","name":"Responsible Recruitment of Migrant Workers delivered"},{"due":"2026-12-17","name":"Training the Trainer Programme delivered"},{"due":"2027-01-29","name":"Impact evaluation and sustainability workshop"}],"plan_id":"otto-f-old.f-old","revision":1}');
INSERT INTO "buyers_facts" VALUES('168bf263-570c-58f4-900e-2a680da17785','org.wecare.session.delivered.v1','/wecare/bd/delivery','bd','f-old','otto-f-old','2026-12-04 19:13:20.505954','{"activity":"migrant_parents_training","attendances":30,"delivered_on":"2026-04-01","online":false,"plan_id":"otto-f-old.f-old","session_id":"s0","suppressed":[],"training":true,"workers_reached":30,"workers_reached_female":20,"workers_reached_male":10}');
INSERT INTO "buyers_facts" VALUES('ebf6936e-422e-5523-b12e-52edfc2498b8','org.wecare.session.delivered.v1','/wecare/bd/delivery','bd','f-old','otto-f-old','2026-12-04 19:13:20.505994','{"activity":"migrant_parents_training","attendances":31,"delivered_on":"2026-04-02","online":false,"plan_id":"otto-f-old.f-old","session_id":"s1","suppressed":[],"training":true,"workers_reached":31,"workers_reached_female":21,"workers_reached_male":10}');
CREATE TABLE buyers_feed (
	position INTEGER NOT NULL, 
	buyer VARCHAR(300) NOT NULL, 
	ce_id VARCHAR(36) NOT NULL, 
	type VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	programme_id VARCHAR(100) NOT NULL, 
	record TEXT NOT NULL, 
	PRIMARY KEY (position), 
	CONSTRAINT uq_buyers_feed_record UNIQUE (buyer, ce_id)
);
INSERT INTO "buyers_feed" VALUES(1,'Otto Group','1c4472b1-bef4-4d83-b77b-220f1c4fef0e','org.wecare.assessment.completed.v1','bd','f-old','otto-f-old','{"data":{"assessment_id":"a-f-old","completed_on":"2026-02-05","country":"bd","factory_id":"f-old","factory_name":"f-old Garments","headcount":1200,"headcount_female":774,"headcount_male":426,"needs":["childcare","maternal_health","parenting_family_support","young_workers","financial_psychological_support","flexible_work_wellbeing","responsible_recruitment"],"programme_id":"otto-f-old"},"datacontenttype":"application/json","dataschema":"urn:wecare:schema:org.wecare.assessment.completed.v1","id":"1c4472b1-bef4-4d83-b77b-220f1c4fef0e","source":"/wecare/bd/assessment","specversion":"1.0","subject":"factories/f-old","time":"2026-12-04T19:13:19.862817Z","type":"org.wecare.assessment.completed.v1"}');
INSERT INTO "buyers_feed" VALUES(2,'Otto Group','38306976-0088-4bb0-84a8-0ecd9d8a58b1','org.wecare.plan.approved.v1','bd','f-old','otto-f-old','{"data":{"activities":["family_day","migrant_parents_training","responsible_recruitment","training_of_trainers"],"approved_on":"2026-03-10","country":"bd","credits":10,"factory_id":"f-old","kpis":[{"baseline":1.0,"indicator":"share_parents_cannot_afford_basics","target":0.67},{"baseline":1.0,"indicator":"share_separated_parents_feel_guilty","target":0.67},{"baseline":0.2,"indicator":"share_women_not_returned_after_pregnancy","target":0.1},{"baseline":1.0,"indicator":"share_high_stress","target":0.67}],"milestones":[{"due":"2026-03-31","name":"Kick-off held"},{"due":"2026-05-13","name":"Family Day delivered"},{"due":"2026-07-25","name":"Migrant Parents Training delivered"},{"due":"2026-10-05","name":"Responsible Recruitment of Migrant Workers delivered"},{"due":"2026-12-17","name":"Training the Trainer Programme delivered"},{"due":"2027-01-29","name":"Impact evaluation and sustainability workshop"}],"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","revision":1},"datacontenttype":"application/json","dataschema":"urn:wecare:schema:org.wecare.plan.approved.v1","id":"38306976-0088-4bb0-84a8-0ecd9d8a58b1","source":"/wecare/bd/planning","specversion":"1.0","subject":"factories/f-old","time":"2026-12-04T19:13:20.183640Z","type":"org.wecare.plan.approved.v1"}');
INSERT INTO "buyers_feed" VALUES(3,'Otto Group','168bf263-570c-58f4-900e-2a680da17785','org.wecare.session.delivered.v1','bd','f-old','otto-f-old','{"data":{"activity":"migrant_parents_training","attendances":30,"country":"bd","delivered_on":"2026-04-01","factory_id":"f-old","online":false,"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","session_id":"s0","suppressed":[],"training":true,"workers_reached":30,"workers_reached_female":20,"workers_reached_male":10},"datacontenttype":"application/json","dataschema":"urn:wecare:schema:org.wecare.session.delivered.v1","id":"168bf263-570c-58f4-900e-2a680da17785","source":"/wecare/bd/delivery","specversion":"1.0","subject":"factories/f-old","time":"2026-12-04T19:13:20.505954Z","type":"org.wecare.session.delivered.v1"}');
INSERT INTO "buyers_feed" VALUES(4,'Otto Group','ebf6936e-422e-5523-b12e-52edfc2498b8','org.wecare.session.delivered.v1','bd','f-old','otto-f-old','{"data":{"activity":"migrant_parents_training","attendances":31,"country":"bd","delivered_on":"2026-04-02","factory_id":"f-old","online":false,"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","session_id":"s1","suppressed":[],"training":true,"workers_reached":31,"workers_reached_female":21,"workers_reached_male":10},"datacontenttype":"application/json","dataschema":"urn:wecare:schema:org.wecare.session.delivered.v1","id":"ebf6936e-422e-5523-b12e-52edfc2498b8","source":"/wecare/bd/delivery","specversion":"1.0","subject":"factories/f-old","time":"2026-12-04T19:13:20.505994Z","type":"org.wecare.session.delivered.v1"}');
CREATE TABLE buyers_portfolio (
	buyer VARCHAR(300) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	programme_id VARCHAR(100) NOT NULL, 
	factory_name VARCHAR(300), 
	assessed_on DATE, 
	plan_approved_on DATE, 
	closed_on DATE, 
	sessions_delivered INTEGER NOT NULL, 
	trainings_delivered INTEGER NOT NULL, 
	workers_reached INTEGER NOT NULL, 
	workers_reached_female INTEGER NOT NULL, 
	workers_reached_male INTEGER NOT NULL, 
	retention_baseline FLOAT, 
	retention_endline FLOAT, 
	retention_change FLOAT, 
	PRIMARY KEY (buyer, country, factory_id, programme_id)
);
INSERT INTO "buyers_portfolio" VALUES('Otto Group','bd','f-old','otto-f-old','f-old Garments','2026-02-05','2026-03-10',NULL,2,2,61,41,20,NULL,NULL,NULL);
CREATE TABLE buyers_programmes (
	programme_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	buyer VARCHAR(300) NOT NULL, 
	PRIMARY KEY (programme_id, country, factory_id)
);
INSERT INTO "buyers_programmes" VALUES('otto-f-old','bd','f-old','Otto Group');
CREATE TABLE commands (
	idempotency_key VARCHAR(200) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	result TEXT NOT NULL, 
	fingerprint VARCHAR(64), 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (idempotency_key)
);
CREATE TABLE event_chain (
	position INTEGER NOT NULL, 
	previous BIGINT, 
	records TEXT NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (position)
);
CREATE TABLE events (
	position INTEGER NOT NULL, 
	event_id CHAR(32) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	stream_version INTEGER NOT NULL, 
	previous_version INTEGER, 
	event_type VARCHAR(100) NOT NULL, 
	schema_version INTEGER NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	occurred_at DATETIME NOT NULL, 
	recorded_at DATETIME NOT NULL, 
	correlation_id VARCHAR(64) NOT NULL, 
	causation_id VARCHAR(64), 
	actor VARCHAR(200) NOT NULL, 
	payload TEXT NOT NULL, 
	PRIMARY KEY (position), 
	CONSTRAINT uq_events_stream_version UNIQUE (stream_id, stream_version), 
	CONSTRAINT ck_events_position CHECK (position > 0), 
	UNIQUE (event_id)
);
CREATE TABLE outbox (
	position INTEGER NOT NULL, 
	PRIMARY KEY (position)
);
CREATE TABLE parked (
	id INTEGER NOT NULL, 
	projection VARCHAR(100) NOT NULL, 
	event_id CHAR(32) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	stream_version INTEGER NOT NULL, 
	subject VARCHAR(300) NOT NULL, 
	data TEXT NOT NULL, 
	reason VARCHAR(20) NOT NULL, 
	error TEXT NOT NULL, 
	attempts INTEGER NOT NULL, 
	parked_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	CONSTRAINT uq_parked_event UNIQUE (projection, event_id)
);
CREATE TABLE tracking (
	projection VARCHAR(100) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	stream_version INTEGER NOT NULL, 
	event_id CHAR(32) NOT NULL, 
	CONSTRAINT pk_tracking PRIMARY KEY (projection, stream_id)
);
INSERT INTO "tracking" VALUES('buyers_feed','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('buyers_feed','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('buyers_feed','programme-otto-f-old.bd',1,'f29787a955ae46c0a8d79423af65e326');
INSERT INTO "tracking" VALUES('buyers_feed','plan-otto-f-old.f-old',3,'bf6eb3e7f3964eecb23e869ffec2e668');
INSERT INTO "tracking" VALUES('buyers_feed','delivery-otto-f-old.f-old',6,'ebf6936e422e5523b12e52edfc2498b8');
CREATE INDEX ix_events_country_position ON events (country, position);
CREATE INDEX ix_parked_stream ON parked (projection, stream_id, stream_version);
CREATE INDEX ix_buyers_programmes_buyer ON buyers_programmes (buyer);
CREATE INDEX ix_buyers_programmes_factory ON buyers_programmes (country, factory_id);
CREATE INDEX ix_buyers_facts_factory ON buyers_facts (country, factory_id);
CREATE INDEX ix_buyers_feed_buyer ON buyers_feed (buyer, position);
CREATE INDEX ix_buyers_endpoints_buyer ON buyers_endpoints (buyer);
CREATE INDEX ix_buyers_deliveries_key ON buyers_deliveries (endpoint_id, ordering_key, position);
CREATE INDEX ix_buyers_deliveries_status ON buyers_deliveries (status, next_attempt_at);
CREATE INDEX ix_buyers_delivery_attempts_delivery_id ON buyers_delivery_attempts (delivery_id);
COMMIT;
