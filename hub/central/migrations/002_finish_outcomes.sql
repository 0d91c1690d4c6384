-- Finish outcomes (issue 18, berkas tidak lengkap): how a visit finished at a counter
-- ended, as each hub's visits projection keeps it (hub/eventlog.py FINISH_COLUMNS).
ALTER TABLE visits
    ADD COLUMN finish_outcome       text,
    ADD COLUMN missing_requirements text,
    ADD COLUMN referred_tenant_id   text,
    ADD COLUMN referred_note        text;

-- Visits shipped before: each one finished was served (the only outcome there was), as
-- their events replay to.
UPDATE visits SET finish_outcome = 'served' WHERE outcome = 'served';

-- The report finds the few incomplete or referred visits, then counts the visits finished
-- at the same services in the same months.
CREATE INDEX visits_not_plainly_served ON visits (month, mpp_id)
    WHERE finish_outcome IN ('incomplete_documents', 'referred');
CREATE INDEX visits_finished ON visits (mpp_id, month, final_service_id)
    WHERE outcome = 'served';
