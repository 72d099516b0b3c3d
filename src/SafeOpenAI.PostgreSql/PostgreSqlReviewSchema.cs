namespace SafeOpenAI.PostgreSql;

/// <summary>
/// The versioned schema of the review, access-log and feedback tables in the <c>safeopenai</c> schema
/// (<c>review_items</c>, <c>review_access_log</c>, <c>feedback_reports</c>). Version numbers only grow; a
/// released migration is never edited.
/// </summary>
/// <remarks>
/// Times are .NET UTC ticks in <c>bigint</c> columns (100-nanosecond units since 0001-01-01), as in the SQLite
/// store: <c>timestamptz</c> keeps microseconds only, and a review read back must equal the one written, to the
/// tick, for the compare-and-set and the contract tests of every store. Enumerations are stored as their numbers,
/// which never change. Everything a user or a reviewer wrote is protected text (AES-256-GCM, see
/// <see cref="AuditContentProtector"/>); only ids, status, codes, names, counts and times are in the clear.
/// </remarks>
internal static class PostgreSqlReviewSchema
{
    /// <summary>The channel on which a decided or escalated review's id is sent, by a trigger, in the transaction that changed it.</summary>
    public const string ChangeChannel = "safeopenai_review_changed";

    /// <summary>The condition of the partial index <c>ix_review_items_open</c>, written exactly as there so that the planner uses it.</summary>
    public const string OpenCondition = "status IN (0, 1, 2)";

    /// <summary>Gets the review part: version table <c>review_schema_migrations</c>.</summary>
    public static PostgreSqlSchemaPart Part { get; } = new(
        "review",
        "review_schema_migrations",
        [
            // Version 1. Every list is served by an index in its own order: reviews by deadline, then creation
            // and id (open ones by a partial index, so decided reviews cost neither the queue's lists nor the
            // claim of the next review anything), by user and by call; the access log by subject in append
            // order (the identity); reports by triage status, by time and by call (with the status, so a call's
            // open reports are found by two equalities), equal times in arrival order (the identity again).
            // The trigger sends NOTIFY in the deciding transaction itself, so a notice is delivered exactly when
            // the decision commits and never for a decision that rolled back; claims send none, since waiters
            // only care about decisions and new deadlines, and every NOTIFY serializes commits briefly.
            """
            CREATE TABLE safeopenai.review_items (
                review_id           text    NOT NULL PRIMARY KEY,
                audit_id            text    NOT NULL,
                status              integer NOT NULL,
                reason_code         text    NOT NULL,
                requested_by        text    NOT NULL,
                risk_domain         text,
                safety_identifier   text,
                created_ticks       bigint  NOT NULL,
                deadline_ticks      bigint  NOT NULL,
                escalations         integer NOT NULL,
                claimed_by          text,
                claim_expires_ticks bigint,
                outcome             integer,
                decided_by          text,
                decided_ticks       bigint,
                protected_material  text    NOT NULL,
                protected_answer    text,
                protected_note      text,
                version             bigint  NOT NULL
            );
            CREATE INDEX ix_review_items_open ON safeopenai.review_items (deadline_ticks, created_ticks, review_id) WHERE status IN (0, 1, 2);
            CREATE INDEX ix_review_items_deadline ON safeopenai.review_items (deadline_ticks, created_ticks, review_id);
            CREATE INDEX ix_review_items_user ON safeopenai.review_items (safety_identifier, deadline_ticks, created_ticks, review_id);
            CREATE INDEX ix_review_items_audit ON safeopenai.review_items (audit_id);
            CREATE FUNCTION safeopenai.notify_review_changed() RETURNS trigger LANGUAGE plpgsql AS $body$
            BEGIN
                PERFORM pg_notify('safeopenai_review_changed', NEW.review_id);
                RETURN NULL;
            END
            $body$;
            CREATE TRIGGER review_items_changed AFTER UPDATE ON safeopenai.review_items FOR EACH ROW
                WHEN ((OLD.status IN (0, 1, 2) AND NEW.status NOT IN (0, 1, 2)) OR OLD.deadline_ticks <> NEW.deadline_ticks)
                EXECUTE FUNCTION safeopenai.notify_review_changed();
            CREATE TABLE safeopenai.review_access_log (
                id         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                subject_id text    NOT NULL,
                principal  text    NOT NULL,
                action     integer NOT NULL,
                at_ticks   bigint  NOT NULL
            );
            CREATE INDEX ix_review_access_log_subject ON safeopenai.review_access_log (subject_id, id);
            CREATE TABLE safeopenai.feedback_reports (
                id                         bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                report_id                  text    NOT NULL UNIQUE,
                audit_id                   text    NOT NULL,
                category                   integer NOT NULL,
                protected_comment          text,
                reporter_safety_identifier text,
                received_ticks             bigint  NOT NULL,
                triage                     integer NOT NULL,
                triaged_by                 text,
                triaged_ticks              bigint,
                protected_triage_note      text,
                version                    bigint  NOT NULL
            );
            CREATE INDEX ix_feedback_reports_triage ON safeopenai.feedback_reports (triage, received_ticks, id);
            CREATE INDEX ix_feedback_reports_received ON safeopenai.feedback_reports (received_ticks, id);
            CREATE INDEX ix_feedback_reports_audit ON safeopenai.feedback_reports (audit_id, triage, received_ticks, id);
            """,
        ]);
}
