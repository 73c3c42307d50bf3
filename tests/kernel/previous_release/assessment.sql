BEGIN TRANSACTION;
CREATE TABLE assessments (
	assessment_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	factory_id VARCHAR(100) NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	scheduled_date DATE NOT NULL, 
	assessors TEXT NOT NULL, 
	sections TEXT NOT NULL, 
	completed_on DATE, 
	amendments INTEGER NOT NULL, 
	respondents INTEGER, 
	needs_profile TEXT, 
	demographics TEXT, 
	policy_flags TEXT, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (assessment_id)
);
INSERT INTO "assessments" VALUES('a-f-old','bd','f-old','completed','2026-02-01','["Lina"]','["demographics","management","policies"]','2026-02-05',0,10,'[{"activities":["migrant_parents_training","photo_voice","smart_watch","parent_child_activities","training_of_trainers"],"area":"parenting_family_support","evidence":["50% of workers are parents","320 children live apart from their parents","100% of separated parents feel guilty about their parenting"],"score":3,"severity":"high"},{"activities":["responsible_recruitment"],"area":"responsible_recruitment","evidence":["58% of workers are migrants","management: agents charge fees"],"score":2,"severity":"medium"},{"activities":["child_friendly_space"],"area":"childcare","evidence":["100% of parents would use childcare","management: no childcare during summer holidays"],"score":3,"severity":"high"},{"activities":["training_of_trainers"],"area":"maternal_health","evidence":["20% of women did not return after maternity leave","20% of women did not return to work after pregnancy"],"score":3,"severity":"high"},{"activities":["training_of_trainers"],"area":"flexible_work_wellbeing","evidence":["100% of workers feel highly stressed by work and family"],"score":2,"severity":"medium"},{"activities":["youth_development"],"area":"young_workers","evidence":["4 juvenile workers (16-17)","42% of workers are 18-24"],"score":3,"severity":"high"},{"activities":["migrant_parents_training","photo_voice"],"area":"financial_psychological_support","evidence":["100% of parents cannot afford basic necessities"],"score":2,"severity":"medium"},{"activities":[],"area":"elearning","evidence":[],"score":0,"severity":"none"}]','{"female":774,"headcount":1200,"juvenile_workers":4,"left_behind_children":320,"male":426,"maternity_return_rate":0.8,"migrant_workers":700,"parent_workers":600,"share_female":0.645,"young_workers_18_24":500}','[]',5);
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
INSERT INTO "event_chain" VALUES(1,NULL,'1:3992f5af14ea724a7162247500273f226c2d75bc8b4919e3f4145efee676bd1f','5b1e3409dfb233a96b78f1040e7d220ab2de019d1b70552951bc75cbe14115fe');
INSERT INTO "event_chain" VALUES(2,1,'2:ac8efe3b63f7639deb30b7bc32f44150d08204f0ab9ef1115fd0366fd914fa36','b4178e50f587af220dce2255f5c562be1d3ff0fd7596808681dbb9a26ca36719');
INSERT INTO "event_chain" VALUES(3,2,'3:476e92016265581e960be939bc65b43d2d38a51087d7f87458517514c72ca5c9','1d358acd485ad1b93aebf352bfc1773a6a71915de17585aca8cae1899e444890');
INSERT INTO "event_chain" VALUES(4,3,'4:b1751ea58dcd0a7db3075a9909d091a0b6e9931d1eb65fd3568342cfa43b95dc','263f161b21aff52c947dc80c9164074d6d7429093c5763cb45c3f95ae58d5861');
INSERT INTO "event_chain" VALUES(5,4,'5:89d49f73e31aaf6f55974bdebaef6849e7f9593708211cc30f6391b74abfafeb','e7a8194fc5c825a56d3e2921e19edcadfc2bda3f9eec330120c18b10f3675a1c');
INSERT INTO "event_chain" VALUES(15,5,'6:1dbcc3f368b9f5079d93656a8a87c4d9ec6b3b8476adf0c8d1a3bf45137e3f1d 7:80f6d3b3d8c7613b9bd908545e3931bb895cd5fb9f1e586bf2342d9a0f838a27 8:717f475c150be0de0d1ef1558e70c306e4d65b13db5d001c8c8aafc0720211ee 9:ccf2d2ba6274baa5d0d3f63e9dd9ea7bfc65513160c336b33e32367cd788f109 10:8fb750b1be317859839c05bbdd4c1ac58780f62cc3e468859556732e05af8972 11:0f3290b982a477ac43ed962363c8703498e4c16b4d8bf159a88be74044b83f37 12:523b921bf05cc4d76a9cf40a1af1c532a1e2cbfb9712955948af196e69ba1b94 13:f392eccda975779cd2ec1aafa251437094fb8863c9c7842f5b04d20f28a3f25e 14:c334c8926564950c3dbb41acda50d7fe42a176419f8e85884fc78711e7c3c39c 15:c94d9f501d5508c7dfff260e24c79e0bae5acad1c29ca8a569b98ec0131bbd1c','3034b222c395fccc94c4c44ef3f1ddfc4b61a840f3b92418518fcf82ed7f113a');
INSERT INTO "event_chain" VALUES(16,15,'16:afb84821852143e85332a994ac5891f2e841e619fcfbd9304df84c2832dbb370','7d6903d92da10ea3cd7c4ce7489a175a918be3ca903bc593006ba40e23178c85');
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
INSERT INTO "events" VALUES(1,'e4038eaf6d394cf3be4ece6c809d97bf','factory-f-old',1,0,'FactoryRegistered',1,'bd','2026-12-04 19:13:19.579524','2026-12-04 19:13:19.579790','371dd8e2d6dc407aa61ee6acb3bef910',NULL,'test-admin','{"factory_id":"f-old","name":"f-old Garments","supplier":"Supplier Co","region":"Dhaka","sector":"garment","buyers":["Otto Group"],"headcount":1200}');
INSERT INTO "events" VALUES(2,'6dc60a6b2e7348af8d7e22cb1f2009a1','assessment-a-f-old',1,0,'AssessmentScheduled',1,'bd','2026-12-04 19:13:19.727494','2026-12-04 19:13:19.727581','361e26ca431b462fa370ce9f90e8ed95',NULL,'test-admin','{"assessment_id":"a-f-old","factory_id":"f-old","scheduled_date":"2026-02-01","assessors":["Lina"],"survey_version":1,"checklist_version":1}');
INSERT INTO "events" VALUES(3,'636612265138459d9c442d17cb0ef0a2','assessment-a-f-old',2,1,'PoliciesRecorded',1,'bd','2026-12-04 19:13:19.742439','2026-12-04 19:13:19.742518','9961b1561dcb4a52b76c176ba58c7c6f',NULL,'test-admin','{"assessment_id":"a-f-old","items":{"paid_maternity_leave":{"status":"in_place","days":120,"note":""},"breastfeeding_facilities":{"status":"in_place","days":null,"note":""},"childcare_facilities":{"status":"in_place","days":null,"note":""},"flexible_working":{"status":"in_place","days":null,"note":""},"health_protection":{"status":"in_place","days":null,"note":""},"medical_benefits":{"status":"in_place","days":null,"note":""},"employment_protection":{"status":"in_place","days":null,"note":""},"family_friendly_policy":{"status":"in_place","days":null,"note":""},"childcare_support":{"status":"in_place","days":null,"note":""},"responsible_recruitment":{"status":"in_place","days":null,"note":""},"young_workers":{"status":"in_place","days":null,"note":""},"grievance_channel":{"status":"in_place","days":null,"note":""}},"flags":[],"reason":null}');
INSERT INTO "events" VALUES(4,'e3b02e1e403e4bbbbde4c0df727c5f80','assessment-a-f-old',3,2,'DemographicsRecorded',1,'bd','2026-12-04 19:13:19.751247','2026-12-04 19:13:19.751322','f297a4c779fd441995eef1724186b314',NULL,'test-admin','{"assessment_id":"a-f-old","demographics":{"headcount":{"female":{"16_17":4,"18_24":300,"25_34":350,"35_44":100,"45_plus":20},"male":{"18_24":200,"25_34":180,"35_44":40,"45_plus":6}},"migrant_workers":700,"parent_workers":600,"left_behind_children":320,"maternity_leave_12m":40,"returned_after_maternity_12m":32},"reason":null}');
INSERT INTO "events" VALUES(5,'c816687ef2d74844a9415c0dad05e060','assessment-a-f-old',4,3,'ManagementFindingsRecorded',1,'bd','2026-12-04 19:13:19.774272','2026-12-04 19:13:19.774351','8e572674f4c5440cbdfa33e26640a690',NULL,'test-admin','{"assessment_id":"a-f-old","findings":[{"area":"childcare","text":"no childcare during summer holidays","priority":"high"},{"area":"responsible_recruitment","text":"agents charge fees","priority":"medium"}],"reason":null}');
INSERT INTO "events" VALUES(6,'95796137fd3357b4ba86672eca2736ae','survey-a-f-old',1,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785324','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r0","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"did_not_return","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(7,'dc41b9f3904c55c1ae6cc70295d35121','survey-a-f-old',2,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785359','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r1","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(8,'6ec6b637cd4e5d25a771573d0257be6c','survey-a-f-old',3,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785372','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r2","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(9,'5bc8566441ba560c86f8cb8a5b42ee65','survey-a-f-old',4,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785383','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r3","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(10,'edbe746a3e9657d385668c11b5de8a09','survey-a-f-old',5,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785429','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r4","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(11,'105d5884779e5f1abcfb1d2314db2d3c','survey-a-f-old',6,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785457','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r5","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"did_not_return","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(12,'3c01817b2d9d57d08a6eb049f5ab009d','survey-a-f-old',7,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785467','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r6","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(13,'abdd91cd12b1530cb74e990984c659d4','survey-a-f-old',8,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785477','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r7","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(14,'3b8a5b79db1651129547a0ac2bb43ebe','survey-a-f-old',9,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785499','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r8","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(15,'26c3951cf69e5a5880e2f8818ec5efd1','survey-a-f-old',10,0,'SurveyResponseRecorded',1,'bd','2026-12-04 19:13:19.785512','2026-12-04 19:13:19.785608','8749da95b94e4e858f33834bd59f127f',NULL,'test-admin','{"assessment_id":"a-f-old","response_id":"r9","survey_version":1,"language":"en","answers":{"sex":"female","age_band":"25_34","migrant":"yes","is_parent":"yes","recruitment_fee":"no","stress":4,"children_live_with":"apart","afford_basics":"no","needs_childcare":"yes","parenting_confidence":3,"feel_guilty":"yes","returned_after_pregnancy":"returned","support_needed":["childcare","parenting_skills"]}}');
INSERT INTO "events" VALUES(16,'1c4472b1bef44d83b77b220f1c4fef0e','assessment-a-f-old',5,4,'AssessmentCompleted',1,'bd','2026-12-04 19:13:19.862817','2026-12-04 19:13:19.862911','09e74c7b9bca4c53806ca716190c9dfd',NULL,'test-admin','{"assessment_id":"a-f-old","factory_id":"f-old","completed_on":"2026-02-05","respondents":10,"needs_profile":[{"area":"parenting_family_support","severity":"high","score":3,"evidence":["50% of workers are parents","320 children live apart from their parents","100% of separated parents feel guilty about their parenting"],"activities":["migrant_parents_training","photo_voice","smart_watch","parent_child_activities","training_of_trainers"]},{"area":"responsible_recruitment","severity":"medium","score":2,"evidence":["58% of workers are migrants","management: agents charge fees"],"activities":["responsible_recruitment"]},{"area":"childcare","severity":"high","score":3,"evidence":["100% of parents would use childcare","management: no childcare during summer holidays"],"activities":["child_friendly_space"]},{"area":"maternal_health","severity":"high","score":3,"evidence":["20% of women did not return after maternity leave","20% of women did not return to work after pregnancy"],"activities":["training_of_trainers"]},{"area":"flexible_work_wellbeing","severity":"medium","score":2,"evidence":["100% of workers feel highly stressed by work and family"],"activities":["training_of_trainers"]},{"area":"young_workers","severity":"high","score":3,"evidence":["4 juvenile workers (16-17)","42% of workers are 18-24"],"activities":["youth_development"]},{"area":"financial_psychological_support","severity":"medium","score":2,"evidence":["100% of parents cannot afford basic necessities"],"activities":["migrant_parents_training","photo_voice"]},{"area":"elearning","severity":"none","score":0,"evidence":[],"activities":[]}],"demographics":{"headcount":1200,"female":774,"male":426,"share_female":0.645,"migrant_workers":700,"parent_workers":600,"left_behind_children":320,"juvenile_workers":4,"young_workers_18_24":500,"maternity_return_rate":0.8},"indicators":{"share_parents_cannot_afford_basics":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_separated_parents_feel_guilty":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_women_not_returned_after_pregnancy":{"value":0.2,"numerator":2,"denominator":10,"suppressed":false},"share_parents_need_childcare":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_paid_recruitment_fee":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_migrant":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_parents":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_separated_parents":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_female_respondents":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_juvenile_respondents":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_high_stress":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"mean_stress":{"value":4.0,"numerator":40,"denominator":10,"suppressed":false},"mean_parenting_confidence":{"value":3.0,"numerator":30,"denominator":10,"suppressed":false},"share_wanting_childcare":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_wanting_parenting_skills":{"value":1.0,"numerator":10,"denominator":10,"suppressed":false},"share_wanting_financial_support":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_wanting_flexible_hours":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_wanting_breastfeeding_support":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_wanting_recruitment_support":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_wanting_young_worker_support":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false},"share_wanting_psychological_support":{"value":0.0,"numerator":0,"denominator":10,"suppressed":false}},"policy_flags":[]}');
CREATE TABLE factories (
	factory_id VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	name VARCHAR(300) NOT NULL, 
	supplier VARCHAR(300) NOT NULL, 
	region VARCHAR(200) NOT NULL, 
	sector VARCHAR(100) NOT NULL, 
	buyers TEXT NOT NULL, 
	headcount INTEGER NOT NULL, 
	status VARCHAR(20) NOT NULL, 
	version INTEGER NOT NULL, 
	last_assessment_id VARCHAR(100), 
	needs_profile TEXT, 
	PRIMARY KEY (factory_id)
);
INSERT INTO "factories" VALUES('f-old','bd','f-old Garments','Supplier Co','Dhaka','garment','["Otto Group"]',1200,'active',1,'a-f-old','[{"activities":["migrant_parents_training","photo_voice","smart_watch","parent_child_activities","training_of_trainers"],"area":"parenting_family_support","evidence":["50% of workers are parents","320 children live apart from their parents","100% of separated parents feel guilty about their parenting"],"score":3,"severity":"high"},{"activities":["responsible_recruitment"],"area":"responsible_recruitment","evidence":["58% of workers are migrants","management: agents charge fees"],"score":2,"severity":"medium"},{"activities":["child_friendly_space"],"area":"childcare","evidence":["100% of parents would use childcare","management: no childcare during summer holidays"],"score":3,"severity":"high"},{"activities":["training_of_trainers"],"area":"maternal_health","evidence":["20% of women did not return after maternity leave","20% of women did not return to work after pregnancy"],"score":3,"severity":"high"},{"activities":["training_of_trainers"],"area":"flexible_work_wellbeing","evidence":["100% of workers feel highly stressed by work and family"],"score":2,"severity":"medium"},{"activities":["youth_development"],"area":"young_workers","evidence":["4 juvenile workers (16-17)","42% of workers are 18-24"],"score":3,"severity":"high"},{"activities":["migrant_parents_training","photo_voice"],"area":"financial_psychological_support","evidence":["100% of parents cannot afford basic necessities"],"score":2,"severity":"medium"},{"activities":[],"area":"elearning","evidence":[],"score":0,"severity":"none"}]');
CREATE TABLE factory_indicators (
	factory_id VARCHAR(100) NOT NULL, 
	indicator VARCHAR(100) NOT NULL, 
	country VARCHAR(8) NOT NULL, 
	assessment_id VARCHAR(100) NOT NULL, 
	value FLOAT, 
	numerator INTEGER, 
	denominator INTEGER, 
	suppressed INTEGER NOT NULL, 
	PRIMARY KEY (factory_id, indicator)
);
INSERT INTO "factory_indicators" VALUES('f-old','mean_parenting_confidence','bd','a-f-old',3.0,30,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','mean_stress','bd','a-f-old',4.0,40,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_female_respondents','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_high_stress','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_juvenile_respondents','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_migrant','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_paid_recruitment_fee','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_parents','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_parents_cannot_afford_basics','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_parents_need_childcare','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_separated_parents','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_separated_parents_feel_guilty','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_breastfeeding_support','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_childcare','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_financial_support','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_flexible_hours','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_parenting_skills','bd','a-f-old',1.0,10,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_psychological_support','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_recruitment_support','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_wanting_young_worker_support','bd','a-f-old',0.0,0,10,0);
INSERT INTO "factory_indicators" VALUES('f-old','share_women_not_returned_after_pregnancy','bd','a-f-old',0.2,2,10,0);
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
INSERT INTO "tracking" VALUES('indicators','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('assessments','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('factories','factory-f-old',1,'e4038eaf6d394cf3be4ece6c809d97bf');
INSERT INTO "tracking" VALUES('indicators','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('assessments','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
INSERT INTO "tracking" VALUES('factories','assessment-a-f-old',5,'1c4472b1bef44d83b77b220f1c4fef0e');
CREATE INDEX ix_events_country_position ON events (country, position);
CREATE INDEX ix_parked_stream ON parked (projection, stream_id, stream_version);
CREATE INDEX ix_factories_country ON factories (country);
CREATE INDEX ix_assessments_factory_id ON assessments (factory_id);
CREATE INDEX ix_assessments_country ON assessments (country);
CREATE INDEX ix_factory_indicators_country ON factory_indicators (country);
COMMIT;
