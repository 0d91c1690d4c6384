""""Your turn is near": notifications to visitors who left a phone number (docs/notifications.md).

Two halves, two processes:

- The hub decides (`decide.Notifier`, fed the engine after each command) and writes each
  notification to the `notification_outbox` table of its event log **in the same
  transaction** as the event that caused it (`EventLog.append`): a notification exists
  if and only if its event does. The hub is still the log file's only writer.
- `python -m hub notify` (`sender.Sender`) reads that table read-only and delivers each
  row through a gateway (`gateway.WebhookGateway`: a signed JSON POST), keeping what it
  did in its own small SQLite file, so a delivered notification is never sent again —
  also after a restart or a SIGKILL.
"""
