namespace SafeOpenAI.PostgreSql;

/// <summary>The versioned schema of the audit tables in the <c>safeopenai</c> schema. Version numbers only grow; a released migration is never edited.</summary>
internal static class PostgreSqlAuditSchema
{
    /// <summary>Gets the audit part: version table <c>audit_schema_migrations</c>.</summary>
    public static PostgreSqlSchemaPart Part { get; } = new(
        "audit",
        "audit_schema_migrations",
        [
            // Version 1.
            // timestamp_ticks / duration_ticks: .NET ticks (100 ns), so a record reads back equal; timestamptz
            //   keeps microseconds only. occurred_at is the same instant as timestamptz, for operators' SQL.
            // cost_usd numeric: exact decimal, never a float.
            // verdict_codes: every verdict as written, in order. verdict_keys: what "by verdict code" matches,
            //   computed by the writer: each code without its stage, and each of its families (the code up to
            //   every colon), so one GIN containment lookup (verdict_keys @> ARRAY[...]) serves exact codes and
            //   families alike.
            // audit_id COLLATE "C": byte order, the tie-break of newest-first whatever the database's locale.
            // stage_durations / moderation_scores: jsonb arrays of objects, readable in SQL, order kept.
            """
            CREATE TABLE safeopenai.audit_records (
                id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                audit_id text COLLATE "C" NOT NULL,
                timestamp_ticks bigint NOT NULL,
                occurred_at timestamptz GENERATED ALWAYS AS (to_timestamp((timestamp_ticks - 621355968000000000) / 10000000.0)) STORED,
                safety_identifier text,
                session_hash text,
                tenant_id text,
                model text NOT NULL,
                outcome smallint NOT NULL,
                input_hash text NOT NULL,
                output_hash text,
                decisive_code text,
                input_tokens integer,
                output_tokens integer,
                cached_input_tokens integer,
                reasoning_tokens integer,
                cost_usd numeric,
                duration_ticks bigint NOT NULL,
                error_type text,
                verdict_codes text[] NOT NULL,
                verdict_keys text[] NOT NULL,
                stage_durations jsonb NOT NULL,
                moderation_scores jsonb NOT NULL,
                review_id text,
                encrypted_input text,
                encrypted_output text,
                CONSTRAINT audit_records_audit_id_key UNIQUE (audit_id)
            );

            -- Time ranges and the newest-first order of every query (scanned backwards).
            CREATE INDEX audit_records_time_ix ON safeopenai.audit_records (timestamp_ticks, audit_id);

            -- "Everything this user did", newest first; anonymous calls are left out of the index.
            CREATE INDEX audit_records_user_time_ix ON safeopenai.audit_records (safety_identifier, timestamp_ticks)
                WHERE safety_identifier IS NOT NULL;

            -- Flagged calls (Blocked = 1, PendingReview = 2) are a small share of the trail: a partial index keeps them at hand.
            CREATE INDEX audit_records_flagged_time_ix ON safeopenai.audit_records (timestamp_ticks)
                WHERE outcome IN (1, 2);

            -- By verdict code or code family: GIN over the keys the writer computed.
            CREATE INDEX audit_records_verdict_keys_ix ON safeopenai.audit_records USING gin (verdict_keys);

            -- From a review back to its call; only held calls have a review id.
            CREATE INDEX audit_records_review_ix ON safeopenai.audit_records (review_id)
                WHERE review_id IS NOT NULL;
            """,
        ]);
}
