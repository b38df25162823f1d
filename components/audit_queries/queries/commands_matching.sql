-- Transcript lines of one account that match a regular expression, over a range of days.
-- Streamed sessions are matched on their output chunks, uploaded ones on their text.
-- Parameters: 1 account id; 2 and 3 first and last day, 'yyyy/MM/dd'; 4 a regular expression
-- (Java syntax, matched anywhere in the text, for example 'sudo |passwd').
SELECT
  region,
  day,
  sessionid,
  target,
  event.useridentity.arn AS principal_arn,
  event.eventtime AS event_time,
  "timestamp",
  coalesce(array_join(event.sessiondata, chr(10)), message) AS text
FROM transcripts
WHERE account = ?
  AND day BETWEEN ? AND ?
  AND regexp_like(coalesce(array_join(event.sessiondata, chr(10)), message), ?)
ORDER BY "timestamp", sessionid
