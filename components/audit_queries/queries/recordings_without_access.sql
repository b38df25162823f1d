-- RDP recordings of one account with no connection start on record: a recording nobody
-- is known to have made.
-- Parameters: 1 account id; 2 first day, 'yyyy/MM/dd' ('2020/01/01' for all).
SELECT
  region,
  day,
  id,
  target,
  recording_key,
  updated
FROM access_index
WHERE account = ?
  AND kind = 'rdp'
  AND day >= ?
  AND recording_key IS NOT NULL
  AND "start" IS NULL
ORDER BY recording_key
