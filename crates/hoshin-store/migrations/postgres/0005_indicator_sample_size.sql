-- The survey's sample size of an indicator-year (回答者数), when the policy gives it: what the margin of error
-- on comparison pages and in the API is computed from. Rows written before this migration hold NULL until
-- their policy is imported or published again.
ALTER TABLE indicator_years ADD COLUMN sample_size BIGINT;
