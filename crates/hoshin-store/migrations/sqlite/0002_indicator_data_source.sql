-- The survey or statistic an indicator's value comes from (区民意識調査, 市民局「区政に関する区民アンケート」…),
-- shown beside each organization in comparisons and in the open data. Rows written before this migration
-- hold NULL until their policy is imported again.
ALTER TABLE indicator_years ADD COLUMN data_source TEXT;
