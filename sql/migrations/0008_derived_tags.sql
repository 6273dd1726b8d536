-- 0008_derived_tags: tags that follow from the data are derived, not set by hand.  A tag
-- with min_age and/or max_age applies to every resident whose age today (Asia/Shanghai),
-- from the birth date, is in that range, computed at read time (lists, counts, the
-- resident's tags), so it can never drift.  未成年人 is under 18; 老年人 (new) is 60 and
-- over.  Hand-set rows of a derived tag are dropped: the birth date decides now.

ALTER TABLE tag ADD COLUMN min_age INTEGER;  -- applies from this age on (NULL: no lower bound)
ALTER TABLE tag ADD COLUMN max_age INTEGER;  -- applies up to and including this age (NULL: no upper bound)
UPDATE tag SET max_age = 17 WHERE code = 'minor';
INSERT INTO tag (code, name, name_en, sensitive, created_at, min_age) VALUES
    ('elderly', '老年人', 'Elderly (60+)', 0, 0, 60);
DELETE FROM resident_tag WHERE tag_id IN (SELECT id FROM tag WHERE min_age IS NOT NULL OR max_age IS NOT NULL);
