BEGIN TRANSACTION;
CREATE TABLE baselines (
	factory_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	assessment_id VARCHAR(100) NOT NULL, 
	completed_on DATE NOT NULL, 
	needs_profile TEXT NOT NULL, 
	indicators TEXT NOT NULL, 
	PRIMARY KEY (factory_id)
);
INSERT INTO "baselines" VALUES('f-old','bd','a-f-old','2026-02-05','[{"activities":["migrant_parents_training","photo_voice","smart_watch","parent_child_activities","training_of_trainers"],"area":"parenting_family_support","evidence":["50% of workers are parents","320 children live apart from their parents","100% of separated parents feel guilty about their parenting"],"score":3,"severity":"high"},{"activities":["responsible_recruitment"],"area":"responsible_recruitment","evidence":["58% of workers are migrants","management: agents charge fees"],"score":2,"severity":"medium"},{"activities":["child_friendly_space"],"area":"childcare","evidence":["100% of parents would use childcare","management: no childcare during summer holidays"],"score":3,"severity":"high"},{"activities":["training_of_trainers"],"area":"maternal_health","evidence":["20% of women did not return after maternity leave","20% of women did not return to work after pregnancy"],"score":3,"severity":"high"},{"activities":["training_of_trainers"],"area":"flexible_work_wellbeing","evidence":["100% of workers feel highly stressed by work and family"],"score":2,"severity":"medium"},{"activities":["youth_development"],"area":"young_workers","evidence":["4 juvenile workers (16-17)","42% of workers are 18-24"],"score":3,"severity":"high"},{"activities":["migrant_parents_training","photo_voice"],"area":"financial_psychological_support","evidence":["100% of parents cannot afford basic necessities"],"score":2,"severity":"medium"},{"activities":[],"area":"elearning","evidence":[],"score":0,"severity":"none"}]','{"maternity_return_rate":0.8,"mean_parenting_confidence":3.0,"mean_stress":4.0,"share_female_respondents":1.0,"share_female_workers":0.645,"share_high_stress":1.0,"share_juvenile_respondents":0.0,"share_migrant":1.0,"share_paid_recruitment_fee":0.0,"share_parents":1.0,"share_parents_cannot_afford_basics":1.0,"share_parents_need_childcare":1.0,"share_separated_parents":1.0,"share_separated_parents_feel_guilty":1.0,"share_wanting_breastfeeding_support":0.0,"share_wanting_childcare":1.0,"share_wanting_financial_support":0.0,"share_wanting_flexible_hours":0.0,"share_wanting_parenting_skills":1.0,"share_wanting_psychological_support":0.0,"share_wanting_recruitment_support":0.0,"share_wanting_young_worker_support":0.0,"share_women_not_returned_after_pregnancy":0.2}');
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
INSERT INTO "event_chain" VALUES(1,NULL,'1:832cbc3174a759819ae2ed76bb9f8bd19dc8489b29929809d12139c4bdacc058','ffaca0c67b80eb9cbf5cea63700f9844413f4e6613e49a35e0eaaef228e86d2a');
INSERT INTO "event_chain" VALUES(2,1,'2:cb8e7bb4b19b90ec93f1ef928ab8a2e94d57bd424fa8376a35a6557d83094a92','9e02934e93316a00ed3aef1bdc4865e8bfb19d973ffaca0b6b962a7c53726c29');
INSERT INTO "event_chain" VALUES(3,2,'3:fff548937f94ee7a304ed51adbeeadf24f1abe2f97209be63daaebe12f981d43','28c3053d2ebce1ebd1caa529f8f16975e4de7c260bb685819ff48ddfb8cf6906');
INSERT INTO "event_chain" VALUES(4,3,'4:5ae511b6716494f26bad412777949a516488c1edf86e93ba3597a88ccb90225f','ffeb1481d0be11c0f2dbf1591d7d6e03f4313b8f2448e7c0ddb9c64dfb97d464');
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
INSERT INTO "events" VALUES(1,'f29787a955ae46c0a8d79423af65e326','programme-otto-f-old.bd',1,0,'ProgrammeCreated',1,'bd','2026-12-04 19:13:20.175138','2026-12-04 19:13:20.175190','4104406aa8d24c5bbcbd0fb34e2a12f6',NULL,'test-admin','{"programme_id":"otto-f-old","name":"WeCare","buyer":"Otto Group","countries":["bd"],"starts_on":"2026-03-01","ends_on":"2027-02-28","credits_per_factory":10,"factories":["f-old"],"factories_total":1,"price_per_factory":15000,"currency":"USD","contract_value":15000,"country_value":15000}');
INSERT INTO "events" VALUES(2,'e70be94e28b75aafbc37f36570f9defc','plan-otto-f-old.f-old',1,0,'PlanDrafted',2,'bd','2026-12-04 19:13:20.177345','2026-12-04 19:13:20.177398','4104406aa8d24c5bbcbd0fb34e2a12f6',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","factory_id":"f-old","revision":1,"content":{"activities":[{"activity":"family_day","cohort_size":null,"need":"parenting_family_support"},{"activity":"migrant_parents_training","cohort_size":null,"need":"parenting_family_support"},{"activity":"responsible_recruitment","cohort_size":null,"need":"responsible_recruitment"},{"activity":"training_of_trainers","cohort_size":null,"need":"parenting_family_support"}],"milestones":[{"name":"Kick-off held","due":"2026-03-31","activities":[]},{"name":"Family Day delivered","due":"2026-05-13","activities":["family_day"]},{"name":"Migrant Parents Training delivered","due":"2026-07-25","activities":["migrant_parents_training"]},{"name":"Responsible Recruitment of Migrant Workers delivered","due":"2026-10-05","activities":["responsible_recruitment"]},{"name":"Training the Trainer Programme delivered","due":"2026-12-17","activities":["training_of_trainers"]},{"name":"Impact evaluation and sustainability workshop","due":"2027-01-29","activities":[]}],"kpis":[{"indicator":"share_parents_cannot_afford_basics","baseline":1.0,"target":0.67,"source":"assessment"},{"indicator":"share_separated_parents_feel_guilty","baseline":1.0,"target":0.67,"source":"assessment"},{"indicator":"share_women_not_returned_after_pregnancy","baseline":0.2,"target":0.1,"source":"assessment"},{"indicator":"share_high_stress","baseline":1.0,"target":0.67,"source":"assessment"}],"credits_used":10,"catalogue_version":1,"refused":{}},"credits_budget":10,"suggested":true,"assessment_id":"a-f-old","explanation":["Family Day: mandatory in every plan","Migrant Parents Training (2 credits) answers parenting skills and family support (high), financial and psychological support (medium): 50% of workers are parents","Responsible Recruitment of Migrant Workers (6 credits) answers responsible recruitment (medium): 58% of workers are migrants","Training the Trainer Programme (2 credits) answers parenting skills and family support (high), maternal health and breastfeeding (high), flexible working and worker wellbeing (medium): 50% of workers are parents","not covered: childcare solutions (high): the cheapest activity for it costs 8 credits; within 10 credits the chosen set answers more of the needs","not covered: young and juvenile workers (high): the cheapest activity for it costs 8 credits; within 10 credits the chosen set answers more of the needs","uses 10 of 10 credits; the best of 32 valid plans (coverage 12, depth 20)"]}');
INSERT INTO "events" VALUES(3,'3830697600884bb084a80ecd9d8a58b1','plan-otto-f-old.f-old',2,1,'PlanApproved',2,'bd','2026-12-04 19:13:20.183640','2026-12-04 19:13:20.183739','3fab677a893246c09fc58647e5303ebd',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","factory_id":"f-old","revision":1,"content":{"activities":[{"activity":"family_day","cohort_size":null,"need":"parenting_family_support"},{"activity":"migrant_parents_training","cohort_size":null,"need":"parenting_family_support"},{"activity":"responsible_recruitment","cohort_size":null,"need":"responsible_recruitment"},{"activity":"training_of_trainers","cohort_size":null,"need":"parenting_family_support"}],"milestones":[{"name":"Kick-off held","due":"2026-03-31","activities":[]},{"name":"Family Day delivered","due":"2026-05-13","activities":["family_day"]},{"name":"Migrant Parents Training delivered","due":"2026-07-25","activities":["migrant_parents_training"]},{"name":"Responsible Recruitment of Migrant Workers delivered","due":"2026-10-05","activities":["responsible_recruitment"]},{"name":"Training the Trainer Programme delivered","due":"2026-12-17","activities":["training_of_trainers"]},{"name":"Impact evaluation and sustainability workshop","due":"2027-01-29","activities":[]}],"kpis":[{"indicator":"share_parents_cannot_afford_basics","baseline":1.0,"target":0.67,"source":"assessment"},{"indicator":"share_separated_parents_feel_guilty","baseline":1.0,"target":0.67,"source":"assessment"},{"indicator":"share_women_not_returned_after_pregnancy","baseline":0.2,"target":0.1,"source":"assessment"},{"indicator":"share_high_stress","baseline":1.0,"target":0.67,"source":"assessment"}],"credits_used":10,"catalogue_version":1,"refused":{}},"approved_by":"GM","approved_on":"2026-03-10"}');
INSERT INTO "events" VALUES(4,'bf6eb3e7f3964eecb23e869ffec2e668','plan-otto-f-old.f-old',3,2,'KickOffHeld',1,'bd','2026-12-04 19:13:20.193217','2026-12-04 19:13:20.193284','2703d730d01949b6b155713f0084f005',NULL,'test-admin','{"plan_id":"otto-f-old.f-old","programme_id":"otto-f-old","factory_id":"f-old","held_on":"2026-03-20","participants":30,"facilitators":["Lina"],"note":null}');
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
CREATE TABLE plan_activities (
	plan_id VARCHAR(201) NOT NULL, 
	activity VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	credits INTEGER NOT NULL, 
	cohort_size INTEGER, 
	PRIMARY KEY (plan_id, activity)
);
INSERT INTO "plan_activities" VALUES('otto-f-old.f-old','family_day','bd',0,NULL);
INSERT INTO "plan_activities" VALUES('otto-f-old.f-old','migrant_parents_training','bd',2,NULL);
INSERT INTO "plan_activities" VALUES('otto-f-old.f-old','responsible_recruitment','bd',6,NULL);
INSERT INTO "plan_activities" VALUES('otto-f-old.f-old','training_of_trainers','bd',2,NULL);
CREATE TABLE planning_factories (
	factory_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	buyers TEXT NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	PRIMARY KEY (factory_id)
);
INSERT INTO "planning_factories" VALUES('f-old','bd','f-old Garments','["Otto Group"]','active');
CREATE TABLE plans (
	plan_id VARCHAR(201) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	programme_id VARCHAR(100) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	revision INTEGER NOT NULL, 
	approved_revision INTEGER NOT NULL, 
	catalogue_version INTEGER NOT NULL, 
	credits_used INTEGER NOT NULL, 
	credits_budget INTEGER NOT NULL, 
	suggested INTEGER NOT NULL, 
	activities TEXT NOT NULL, 
	approved_on DATE, 
	kicked_off_on DATE, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (plan_id)
);
INSERT INTO "plans" VALUES('otto-f-old.f-old','bd','otto-f-old','f-old','approved',1,1,1,10,10,1,'["family_day","migrant_parents_training","responsible_recruitment","training_of_trainers"]','2026-03-10','2026-03-20',3);
CREATE TABLE programmes (
	programme_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	buyer VARCHAR(300) NOT NULL, 
	countries TEXT NOT NULL, 
	starts_on DATE NOT NULL, 
	ends_on DATE NOT NULL, 
	credits_per_factory INTEGER NOT NULL, 
	factories TEXT NOT NULL, 
	factories_total INTEGER NOT NULL, 
	price_per_factory INTEGER NOT NULL, 
	currency VARCHAR(3) NOT NULL, 
	contract_value INTEGER NOT NULL, 
	country_value INTEGER NOT NULL, 
	PRIMARY KEY (programme_id, country)
);
INSERT INTO "programmes" VALUES('otto-f-old','bd','WeCare','Otto Group','["bd"]','2026-03-01','2027-02-28',10,'["f-old"]',1,15000,'USD',15000,15000);
CREATE TABLE tracking (
	projection VARCHAR(100) NOT NULL, 
	stream_id VARCHAR(300) NOT NULL, 
	stream_version INTEGER NOT NULL, 
	event_id CHAR(32) NOT NULL, 
	CONSTRAINT pk_tracking PRIMARY KEY (projection, stream_id)
);
INSERT INTO "tracking" VALUES('planning_factories','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('plan_drafter','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('planning_factories','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('plan_drafter','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('plans','programme-otto-f-old.bd',1,'f29787a955ae46c0a8d79423af65e326');
INSERT INTO "tracking" VALUES('plans','plan-otto-f-old.f-old',3,'bf6eb3e7f3964eecb23e869ffec2e668');
INSERT INTO "tracking" VALUES('programmes','programme-otto-f-old.bd',1,'f29787a955ae46c0a8d79423af65e326');
INSERT INTO "tracking" VALUES('programmes','plan-otto-f-old.f-old',3,'bf6eb3e7f3964eecb23e869ffec2e668');
CREATE INDEX ix_events_country_position ON events (country, position);
CREATE INDEX ix_parked_stream ON parked (projection, stream_id, stream_version);
CREATE INDEX ix_planning_factories_country ON planning_factories (country);
CREATE INDEX ix_baselines_country ON baselines (country);
CREATE INDEX ix_programmes_buyer ON programmes (buyer);
CREATE INDEX ix_plans_programme_id ON plans (programme_id);
CREATE INDEX ix_plans_country ON plans (country);
CREATE INDEX ix_plan_activities_country ON plan_activities (country);
COMMIT;
