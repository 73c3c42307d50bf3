BEGIN TRANSACTION;
CREATE TABLE commands (
	idempotency_key VARCHAR(200) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	result TEXT NOT NULL, 
	fingerprint VARCHAR(64), 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (idempotency_key)
);
CREATE TABLE consulting_cases (
	plan_id VARCHAR(201) NOT NULL, 
	case_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	category VARCHAR(20) NOT NULL, 
	opened_on DATE NOT NULL, 
	PRIMARY KEY (plan_id, case_id)
);
CREATE TABLE event_chain (
	position INTEGER NOT NULL, 
	previous BIGINT, 
	records TEXT NOT NULL, 
	hash VARCHAR(64) NOT NULL, 
	PRIMARY KEY (position)
);
INSERT INTO "event_chain" VALUES(1,NULL,'1:3b12573bf1a9a7572722223b7c2cc78914dc61dc60954fd15a12389957aec7b5','47e460d5114a8e6f53e0b7eae491b5132b61407803b0747f9e92e02e2d3e49ac');
INSERT INTO "event_chain" VALUES(7,1,'2:1b48182928516b023fe77385be74b81ccda76292c0d90118de2852562ca0c69e 3:c1cb6a4b4303030b40911812e63f990627a5980ad81f0391517492a2d819cae6 4:15f4af51e1b7d234f4a875ccc0720f08e643bf8b401d103aa440e3528d9ce4c3 5:9b98c1c0c9d62e867928ec043b170743a3bb5e3108bb4720a9e09f44abacdc90 6:123289f199715670b1e89cee3eac2d583d502bff6689a1590c0629b3e7cd8584 7:ef3c388f8eb4a9fde90486570e40d21a5fafe6ebdaf2db6aa7f8d93258c903f1','20fe254df6e21aac72427f47a850f9e45bb5955602d4ac48c1e500087c80a0f5');
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
INSERT INTO "events" VALUES(1,'4d131de1a4435715a7e5530344f65473','delivery-otto-f-old.f-old',1,0,'WorkPlanReceived',1,'bd','2026-12-04 19:13:20.248203','2026-12-04 19:13:20.248244','3fab677a893246c09fc58647e5303ebd','38306976-0088-4bb0-84a8-0ecd9d8a58b1','delivery:plan-approved','{"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","factory_id":"f-old","revision":1,"catalogue_version":1,"activities":[{"activity":"family_day","name":"Family Day","credits":0,"cohort_role":null,"cohort_size":null},{"activity":"migrant_parents_training","name":"Migrant Parents Training","credits":2,"cohort_role":null,"cohort_size":null},{"activity":"responsible_recruitment","name":"Responsible Recruitment of Migrant Workers","credits":6,"cohort_role":null,"cohort_size":null},{"activity":"training_of_trainers","name":"Training the Trainer Programme","credits":2,"cohort_role":null,"cohort_size":null}],"milestones":[{"name":"Kick-off held","due":"2026-03-31","activities":[]},{"name":"Family Day delivered","due":"2026-05-13","activities":["family_day"]},{"name":"Migrant Parents Training delivered","due":"2026-07-25","activities":["migrant_parents_training"]},{"name":"Responsible Recruitment of Migrant Workers delivered","due":"2026-10-05","activities":["responsible_recruitment"]},{"name":"Training the Trainer Programme delivered","due":"2026-12-17","activities":["training_of_trainers"]},{"name":"Impact evaluation and sustainability workshop","due":"2027-01-29","activities":[]}],"kept":[],"cancelled_sessions":[]}');
INSERT INTO "events" VALUES(2,'313971e2d81c502f93d4d40e92c586c6','delivery-otto-f-old.f-old',2,1,'SessionScheduled',1,'bd','2026-12-04 19:13:20.505929','2026-12-04 19:13:20.506070','b4fa3a3cbff04ef88b6f73bbab6cf246',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","session_id":"s0","activity":"migrant_parents_training","starts_at":"2026-04-01T03:00:00Z","local_start":"2026-04-01T09:00:00","timezone":"Asia/Dhaka","venue":null,"online":false,"trainers":["wecare:lina"],"capacity":80,"expected_participants":40}');
INSERT INTO "events" VALUES(3,'168bf263570c58f4900e2a680da17785','delivery-otto-f-old.f-old',3,2,'SessionDelivered',1,'bd','2026-12-04 19:13:20.505954','2026-12-04 19:13:20.506070','b4fa3a3cbff04ef88b6f73bbab6cf246',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","factory_id":"f-old","session_id":"s0","activity":"migrant_parents_training","delivered_at":"2026-04-01T06:00:00Z","online":false,"trainers":["wecare:lina"],"cascade_level":0,"attendance":{"total":30,"female":20,"by_role":{"manager":2,"parent_worker":20,"worker":8},"by_age_band":{"18_24":8,"25_34":20,"35_44":2},"identified":0,"new_people":0,"new_by_role":{},"activity_reach_by_role":{"manager":2,"parent_worker":20,"worker":8},"reached_by_sex":{"female":20,"male":10}}}');
INSERT INTO "events" VALUES(4,'eaed45792b58556389005338a8550d84','delivery-otto-f-old.f-old',4,3,'AttendanceRecorded',1,'bd','2026-12-04 19:13:20.505970','2026-12-04 19:13:20.506070','b4fa3a3cbff04ef88b6f73bbab6cf246',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","session_id":"s0","participants":[],"counts":[{"role":"parent_worker","sex":"female","age_band":"25_34","count":20},{"role":"worker","sex":"male","age_band":"18_24","count":8},{"role":"manager","sex":"male","age_band":"35_44","count":2}],"receipt":"0fdf825cd3808145"}');
INSERT INTO "events" VALUES(5,'e6c4f3800d3c5927b77e0bfeebeed07a','delivery-otto-f-old.f-old',5,3,'SessionScheduled',1,'bd','2026-12-04 19:13:20.505985','2026-12-04 19:13:20.506070','b4fa3a3cbff04ef88b6f73bbab6cf246',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","session_id":"s1","activity":"migrant_parents_training","starts_at":"2026-04-02T03:00:00Z","local_start":"2026-04-02T09:00:00","timezone":"Asia/Dhaka","venue":null,"online":false,"trainers":["wecare:lina"],"capacity":80,"expected_participants":40}');
INSERT INTO "events" VALUES(6,'ebf6936e422e5523b12e52edfc2498b8','delivery-otto-f-old.f-old',6,5,'SessionDelivered',1,'bd','2026-12-04 19:13:20.505994','2026-12-04 19:13:20.506070','b4fa3a3cbff04ef88b6f73bbab6cf246',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","factory_id":"f-old","session_id":"s1","activity":"migrant_parents_training","delivered_at":"2026-04-02T06:00:00Z","online":false,"trainers":["wecare:lina"],"cascade_level":0,"attendance":{"total":31,"female":21,"by_role":{"manager":2,"parent_worker":21,"worker":8},"by_age_band":{"18_24":8,"25_34":21,"35_44":2},"identified":0,"new_people":0,"new_by_role":{},"activity_reach_by_role":{"manager":2,"parent_worker":21,"worker":8},"reached_by_sex":{"female":21,"male":10}}}');
INSERT INTO "events" VALUES(7,'1f35cdb1a3bb5f9f87755b7184eef543','delivery-otto-f-old.f-old',7,6,'AttendanceRecorded',1,'bd','2026-12-04 19:13:20.506007','2026-12-04 19:13:20.506070','b4fa3a3cbff04ef88b6f73bbab6cf246',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","session_id":"s1","participants":[],"counts":[{"role":"parent_worker","sex":"female","age_band":"25_34","count":21},{"role":"worker","sex":"male","age_band":"18_24","count":8},{"role":"manager","sex":"male","age_band":"35_44","count":2}],"receipt":"86e60698a929e82f"}');
CREATE TABLE facilities (
	plan_id VARCHAR(201) NOT NULL, 
	facility_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	kind VARCHAR(40) NOT NULL, 
	opened_on DATE NOT NULL, 
	capacity INTEGER NOT NULL, 
	PRIMARY KEY (plan_id, facility_id)
);
CREATE TABLE facility_months (
	plan_id VARCHAR(201) NOT NULL, 
	facility_id VARCHAR(100) NOT NULL, 
	month VARCHAR(7) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	days_open INTEGER NOT NULL, 
	children_served INTEGER NOT NULL, 
	PRIMARY KEY (plan_id, facility_id, month)
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
CREATE TABLE sessions (
	plan_id VARCHAR(201) NOT NULL, 
	session_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	activity VARCHAR(100) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	starts_at DATETIME, 
	local_start VARCHAR(40), 
	delivered_at DATETIME, 
	online BOOLEAN NOT NULL, 
	trainers TEXT NOT NULL, 
	cascade_level INTEGER, 
	capacity INTEGER, 
	expected INTEGER, 
	total INTEGER NOT NULL, 
	female INTEGER NOT NULL, 
	identified INTEGER NOT NULL, 
	new_people INTEGER NOT NULL, 
	by_role TEXT NOT NULL, 
	reach_by_role TEXT NOT NULL, 
	reason TEXT, 
	PRIMARY KEY (plan_id, session_id)
);
INSERT INTO "sessions" VALUES('otto-f-old.f-old','s0','bd','f-old','migrant_parents_training','delivered','2026-04-01 03:00:00.000000','2026-04-01T09:00:00','2026-04-01 06:00:00.000000',0,'["wecare:lina"]',0,80,40,30,20,0,0,'{"manager":2,"parent_worker":20,"worker":8}','{"manager":2,"parent_worker":20,"worker":8}',NULL);
INSERT INTO "sessions" VALUES('otto-f-old.f-old','s1','bd','f-old','migrant_parents_training','delivered','2026-04-02 03:00:00.000000','2026-04-02T09:00:00','2026-04-02 06:00:00.000000',0,'["wecare:lina"]',0,80,40,31,21,0,0,'{"manager":2,"parent_worker":21,"worker":8}','{"manager":2,"parent_worker":21,"worker":8}',NULL);
CREATE TABLE tracking (
	projection VARCHAR(100) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	stream_version INTEGER NOT NULL, 
	event_id CHAR(32) NOT NULL, 
	CONSTRAINT pk_tracking PRIMARY KEY (projection, stream_id)
);
INSERT INTO "tracking" VALUES('work_plan_receiver','programme-otto-f-old.bd',1,'f29787a955ae46c0a8d79423af65e326');
INSERT INTO "tracking" VALUES('work_plan_receiver','plan-otto-f-old.f-old',3,'bf6eb3e7f3964eecb23e869ffec2e668');
INSERT INTO "tracking" VALUES('progress','delivery-otto-f-old.f-old',6,'ebf6936e422e5523b12e52edfc2498b8');
CREATE TABLE trainers (
	plan_id VARCHAR(201) NOT NULL, 
	trainer_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	session_id VARCHAR(100) NOT NULL, 
	trained_by TEXT NOT NULL, 
	PRIMARY KEY (plan_id, trainer_id)
);
CREATE TABLE work_plans (
	plan_id VARCHAR(201) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	programme_id VARCHAR(100) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	revision INTEGER NOT NULL, 
	activities TEXT NOT NULL, 
	kept TEXT NOT NULL, 
	milestones TEXT NOT NULL, 
	completed TEXT NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (plan_id)
);
INSERT INTO "work_plans" VALUES('otto-f-old.f-old','bd','otto-f-old','f-old',1,'[{"activity":"family_day","cohort_role":null,"cohort_size":null,"credits":0,"name":"Family Day"},{"activity":"migrant_parents_training","cohort_role":null,"cohort_size":null,"credits":2,"name":"Migrant Parents Training"},{"activity":"responsible_recruitment","cohort_role":null,"cohort_size":null,"credits":6,"name":"Responsible Recruitment of Migrant Workers"},{"activity":"training_of_trainers","cohort_role":null,"cohort_size":null,"credits":2,"name":"Training the Trainer Programme"}]','[]','[{"activities":[],"due":"2026-03-31","name":"Kick-off held","on_time":null,"reached_on":null},{"activities":["family_day"],"due":"2026-05-13","name":"Family Day delivered","on_time":null,"reached_on":null},{"activities":["migrant_parents_training"],"due":"2026-07-25","name":"Migrant Parents Training delivered","on_time":null,"reached_on":null},{"activities":["responsible_recruitment"],"due":"2026-10-05","name":"Responsible Recruitment of Migrant Workers delivered","on_time":null,"reached_on":null},{"activities":["training_of_trainers"],"due":"2026-12-17","name":"Training the Trainer Programme delivered","on_time":null,"reached_on":null},{"activities":[],"due":"2027-01-29","name":"Impact evaluation and sustainability workshop","on_time":null,"reached_on":null}]','{}',1);
CREATE INDEX ix_events_country_position ON events (country, position);
CREATE INDEX ix_parked_stream ON parked (projection, stream_id, stream_version);
CREATE INDEX ix_work_plans_country ON work_plans (country);
CREATE INDEX ix_work_plans_programme_id ON work_plans (programme_id);
CREATE INDEX ix_work_plans_factory_id ON work_plans (factory_id);
CREATE INDEX ix_sessions_factory_id ON sessions (factory_id);
CREATE INDEX ix_sessions_country ON sessions (country);
CREATE INDEX ix_trainers_country ON trainers (country);
CREATE INDEX ix_facilities_country ON facilities (country);
CREATE INDEX ix_facility_months_country ON facility_months (country);
CREATE INDEX ix_consulting_cases_country ON consulting_cases (country);
COMMIT;
