-- Sessions and RDP connections of one person or principal in one account, over a range of days.
-- Parameters: 1 account id; 2 and 3 one LIKE pattern, twice: matched against the person, then
-- against the principal ARN (for example '%alice%'); 4 and 5 first and last day, 'yyyy/MM/dd'.
SELECT
  kind,
  region,
  day,
  id,
  principal.person AS person,
  principal.person_source AS person_source,
  principal.arn AS principal_arn,
  source_ip,
  target,
  document,
  via,
  "start",
  "end",
  jit.request_id AS jit_request_id,
  jit.approver.person AS jit_approver,
  transcript_prefix,
  recording_key
FROM access_index
WHERE account = ?
  AND (principal.person LIKE ? OR principal.arn LIKE ?)
  AND day BETWEEN ? AND ?
ORDER BY "start", id
