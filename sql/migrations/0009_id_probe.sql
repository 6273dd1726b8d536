-- 0008_id_probe: ID numbers tried that belong to residents outside the account's scope.
-- One person has one record, so creating or importing a resident whose ID number is registered elsewhere
-- must say so — which lets anyone who may register residents test whether a number is known anywhere.
-- Such hits are counted per account in a window (refused past a budget) and the account is flagged for
-- administrators once it reaches the budget (domain/id_probe.c).
CREATE TABLE id_probe (
    account_id BIGINT PRIMARY KEY REFERENCES account (id),
    window_start BIGINT NOT NULL,
    window_hits INTEGER NOT NULL,
    total_hits BIGINT NOT NULL,
    last_hit_at BIGINT NOT NULL,
    flagged_at BIGINT
);
