BEGIN TRANSACTION;
CREATE TABLE commands (
	idempotency_key VARCHAR(200) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	result TEXT NOT NULL, 
	fingerprint VARCHAR(64), 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (idempotency_key)
);
CREATE TABLE eval_assets (
	asset_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	plan_id VARCHAR(201) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	kind VARCHAR(10) NOT NULL, 
	title VARCHAR(2000) NOT NULL, 
	uri VARCHAR(2000) NOT NULL, 
	scope TEXT NOT NULL, 
	expires_on DATE NOT NULL, 
	minor INTEGER NOT NULL, 
	person_id VARCHAR(100) NOT NULL, 
	caption TEXT NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (asset_id)
);
CREATE TABLE eval_baselines (
	factory_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	assessment_id VARCHAR(100) NOT NULL, 
	completed_on DATE NOT NULL, 
	respondents INTEGER, 
	figures TEXT NOT NULL, 
	indicators TEXT NOT NULL, 
	headcount INTEGER NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (factory_id)
);
INSERT INTO "eval_baselines" VALUES('f-old','bd','a-f-old','2026-02-05',10,'{"maternity_return_rate":0.8,"mean_parenting_confidence":3.0,"mean_stress":4.0,"share_female_respondents":1.0,"share_female_workers":0.645,"share_high_stress":1.0,"share_juvenile_respondents":0.0,"share_migrant":1.0,"share_paid_recruitment_fee":0.0,"share_parents":1.0,"share_parents_cannot_afford_basics":1.0,"share_parents_need_childcare":1.0,"share_separated_parents":1.0,"share_separated_parents_feel_guilty":1.0,"share_wanting_breastfeeding_support":0.0,"share_wanting_childcare":1.0,"share_wanting_financial_support":0.0,"share_wanting_flexible_hours":0.0,"share_wanting_parenting_skills":1.0,"share_wanting_psychological_support":0.0,"share_wanting_recruitment_support":0.0,"share_wanting_young_worker_support":0.0,"share_women_not_returned_after_pregnancy":0.2}','{"mean_parenting_confidence":3.0,"mean_stress":4.0,"share_female_respondents":1.0,"share_high_stress":1.0,"share_juvenile_respondents":0.0,"share_migrant":1.0,"share_paid_recruitment_fee":0.0,"share_parents":1.0,"share_parents_cannot_afford_basics":1.0,"share_parents_need_childcare":1.0,"share_separated_parents":1.0,"share_separated_parents_feel_guilty":1.0,"share_wanting_breastfeeding_support":0.0,"share_wanting_childcare":1.0,"share_wanting_financial_support":0.0,"share_wanting_flexible_hours":0.0,"share_wanting_parenting_skills":1.0,"share_wanting_psychological_support":0.0,"share_wanting_recruitment_support":0.0,"share_wanting_young_worker_support":0.0,"share_women_not_returned_after_pregnancy":0.2}',1200,'1c4472b1-bef4-4d83-b77b-220f1c4fef0e');
CREATE TABLE eval_factories (
	factory_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	buyers TEXT NOT NULL, 
	PRIMARY KEY (factory_id)
);
INSERT INTO "eval_factories" VALUES('f-old','bd','f-old Garments','["Otto Group"]');
CREATE TABLE eval_journey (
	factory_id VARCHAR(100) NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	occurred_at DATETIME NOT NULL, 
	context VARCHAR(20) NOT NULL, 
	event_type VARCHAR(100) NOT NULL, 
	step VARCHAR(30) NOT NULL, 
	summary TEXT NOT NULL, 
	plan_id VARCHAR(201), 
	PRIMARY KEY (factory_id, event_id)
);
INSERT INTO "eval_journey" VALUES('f-old','e4038eaf-6d39-4cf3-be4e-ce6c809d97bf','bd','2026-12-04 19:13:19.579524','assessment','FactoryRegistered','registered','f-old Garments joined the programme',NULL);
INSERT INTO "eval_journey" VALUES('f-old','1c4472b1-bef4-4d83-b77b-220f1c4fef0e','bd','2026-12-04 19:13:19.862817','assessment','AssessmentCompleted','assessed','needs assessment completed; high needs: parenting family support, childcare, maternal health, young workers',NULL);
INSERT INTO "eval_journey" VALUES('f-old','38306976-0088-4bb0-84a8-0ecd9d8a58b1','bd','2026-12-04 19:13:20.183640','planning','PlanApproved','planned','action plan revision 1 approved by GM: 4 activities, 10 credits','otto-f-old.f-old');
INSERT INTO "eval_journey" VALUES('f-old','bf6eb3e7-f396-4eec-b23e-869ffec2e668','bd','2026-12-04 19:13:20.193217','planning','KickOffHeld','kick-off','kick-off held with 30 participants','otto-f-old.f-old');
INSERT INTO "eval_journey" VALUES('f-old','168bf263-570c-58f4-900e-2a680da17785','bd','2026-12-04 19:13:20.505954','delivery','SessionDelivered','delivery','migrant parents training delivered to 30 people','otto-f-old.f-old');
INSERT INTO "eval_journey" VALUES('f-old','ebf6936e-422e-5523-b12e-52edfc2498b8','bd','2026-12-04 19:13:20.505994','delivery','SessionDelivered','delivery','migrant parents training delivered to 31 people','otto-f-old.f-old');
CREATE TABLE eval_plans (
	plan_id VARCHAR(201) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	programme_id VARCHAR(100) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	revision INTEGER NOT NULL, 
	approved_on DATE NOT NULL, 
	activities TEXT NOT NULL, 
	kpis TEXT NOT NULL, 
	kicked_off_on DATE, 
	event_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (plan_id)
);
INSERT INTO "eval_plans" VALUES('otto-f-old.f-old','bd','otto-f-old','f-old',1,'2026-03-10','["family_day","migrant_parents_training","responsible_recruitment","training_of_trainers"]','[{"baseline":1.0,"indicator":"share_parents_cannot_afford_basics","source":"assessment","target":0.67},{"baseline":1.0,"indicator":"share_separated_parents_feel_guilty","source":"assessment","target":0.67},{"baseline":0.2,"indicator":"share_women_not_returned_after_pregnancy","source":"assessment","target":0.1},{"baseline":1.0,"indicator":"share_high_stress","source":"assessment","target":0.67}]','2026-03-20','38306976-0088-4bb0-84a8-0ecd9d8a58b1');
CREATE TABLE eval_programmes (
	programme_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	buyer VARCHAR(300) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	factories TEXT NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (programme_id, country)
);
INSERT INTO "eval_programmes" VALUES('otto-f-old','bd','Otto Group','WeCare','["f-old"]','f29787a9-55ae-46c0-a8d7-9423af65e326');
CREATE TABLE eval_results (
	plan_id VARCHAR(201) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	programme_id VARCHAR(100), 
	buyer VARCHAR(300), 
	endline_on DATE, 
	endline TEXT, 
	respondents INTEGER, 
	comparisons TEXT, 
	kpis TEXT, 
	impact_event_id VARCHAR(36), 
	workshop_on DATE, 
	practices TEXT, 
	follow_ups TEXT, 
	closed_on DATE, 
	PRIMARY KEY (plan_id)
);
CREATE TABLE eval_sessions (
	plan_id VARCHAR(201) NOT NULL, 
	session_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	activity VARCHAR(100) NOT NULL, 
	delivered_at DATETIME NOT NULL, 
	total INTEGER NOT NULL, 
	female INTEGER NOT NULL, 
	reached INTEGER NOT NULL, 
	reached_female INTEGER NOT NULL, 
	by_role TEXT NOT NULL, 
	by_age_band TEXT NOT NULL, 
	event_id VARCHAR(36) NOT NULL, 
	PRIMARY KEY (plan_id, session_id)
);
INSERT INTO "eval_sessions" VALUES('otto-f-old.f-old','s0','bd','f-old','migrant_parents_training','2026-04-01 06:00:00.000000',30,20,30,20,'{"manager":2,"parent_worker":20,"worker":8}','{"18_24":8,"25_34":20,"35_44":2}','168bf263-570c-58f4-900e-2a680da17785');
INSERT INTO "eval_sessions" VALUES('otto-f-old.f-old','s1','bd','f-old','migrant_parents_training','2026-04-02 06:00:00.000000',31,21,31,21,'{"manager":2,"parent_worker":21,"worker":8}','{"18_24":8,"25_34":21,"35_44":2}','ebf6936e-422e-5523-b12e-52edfc2498b8');
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
INSERT INTO "tracking" VALUES('eval_sources','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('eval_journey','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('eval_sources','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('eval_journey','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('eval_sources','programme-otto-f-old.bd',1,'f29787a955ae46c0a8d79423af65e326');
INSERT INTO "tracking" VALUES('eval_sources','plan-otto-f-old.f-old',3,'bf6eb3e7f3964eecb23e869ffec2e668');
INSERT INTO "tracking" VALUES('eval_journey','programme-otto-f-old.bd',1,'f29787a955ae46c0a8d79423af65e326');
INSERT INTO "tracking" VALUES('eval_journey','plan-otto-f-old.f-old',3,'bf6eb3e7f3964eecb23e869ffec2e668');
INSERT INTO "tracking" VALUES('eval_sources','delivery-otto-f-old.f-old',6,'ebf6936e422e5523b12e52edfc2498b8');
INSERT INTO "tracking" VALUES('eval_journey','delivery-otto-f-old.f-old',6,'ebf6936e422e5523b12e52edfc2498b8');
CREATE INDEX ix_events_country_position ON events (country, position);
CREATE INDEX ix_parked_stream ON parked (projection, stream_id, stream_version);
CREATE INDEX ix_eval_factories_country ON eval_factories (country);
CREATE INDEX ix_eval_baselines_country ON eval_baselines (country);
CREATE INDEX ix_eval_programmes_buyer ON eval_programmes (buyer);
CREATE INDEX ix_eval_plans_factory_id ON eval_plans (factory_id);
CREATE INDEX ix_eval_plans_country ON eval_plans (country);
CREATE INDEX ix_eval_sessions_factory_id ON eval_sessions (factory_id);
CREATE INDEX ix_eval_sessions_country ON eval_sessions (country);
CREATE INDEX ix_eval_results_country ON eval_results (country);
CREATE INDEX ix_eval_results_factory_id ON eval_results (factory_id);
CREATE INDEX ix_eval_assets_person_id ON eval_assets (person_id);
CREATE INDEX ix_eval_assets_plan_id ON eval_assets (plan_id);
CREATE INDEX ix_eval_assets_country ON eval_assets (country);
CREATE INDEX ix_eval_journey_country ON eval_journey (country);
COMMIT;
