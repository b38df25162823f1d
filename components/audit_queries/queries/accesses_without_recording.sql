-- RDP connections of one account that began, and ended (or began) over an hour ago,
-- but have no recording: the recording is missing or late.
-- Parameters: 1 account id; 2 first day, 'yyyy/MM/dd' ('2020/01/01' for all).
SELECT
  region,
  day,
  id,
  principal.person AS person,
  principal.arn AS principal_arn,
  target,
  "start",
  "end"
FROM access_index
WHERE account = ?
  AND kind = 'rdp'
  AND day >= ?
  AND "start" IS NOT NULL
  AND recording_key IS NULL
  AND from_iso8601_timestamp(coalesce("end", "start")) < current_timestamp - INTERVAL '1' HOUR
ORDER BY "start", id
