-- Every RDP connection to one instance in one account since a day, with its recording's key.
-- Parameters: 1 account id; 2 instance id; 3 first day, 'yyyy/MM/dd' ('2020/01/01' for all).
SELECT
  region,
  day,
  id,
  principal.person AS person,
  principal.arn AS principal_arn,
  "start",
  "end",
  recording_key
FROM access_index
WHERE account = ?
  AND kind = 'rdp'
  AND target = ?
  AND day >= ?
ORDER BY "start", id
