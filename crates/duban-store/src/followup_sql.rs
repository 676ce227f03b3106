//! The SQL of [`duban_core::store::FollowUpStore`] — 督办单, scheduler jobs, inbox, outbox and
//! notification preferences — instantiated once per backend by `followup_sql!`, beside
//! `sql_store!` (whose helpers it uses: `begin`, `append_audit`, `commit_insert`, the time
//! encoding). Kept apart so that `sql.rs` stays about plans, tasks and reports.

macro_rules! followup_sql {
    (store = $Store:ident, db = $Db:ty $(,)?) => {
        use chrono::Datelike as _;
        use duban_core::notify::{
            Dispatch, InboxMessage, Message, NotifyKind, Outgoing, OutboxEntry, Preference,
        };
        use duban_core::store::{Delivery, FollowUpStore, NoticeFilter};
        use duban_core::supervision::notices::{
            NewNotice, NoticeId, NoticeRecord, NoticeState, NoticeTier, NoticeTrigger,
        };

        const NOTICE_COLUMNS: &str = "id, year, seq, tier, trigger_kind, task_id, unit_id, \
            facts, reply_by, issued_at, issued_by, state, signed_at, signed_by, answer, \
            answered_at, answered_by, escalates_id, dedupe_key";

        #[derive(sqlx::FromRow)]
        struct NoticeRow {
            id: i64,
            year: i32,
            seq: i64,
            tier: String,
            trigger_kind: String,
            task_id: i64,
            unit_id: i64,
            facts: String,
            reply_by: chrono::NaiveDate,
            issued_at: DbTime,
            issued_by: Option<i64>,
            state: String,
            signed_at: Option<DbTime>,
            signed_by: Option<i64>,
            answer: Option<String>,
            answered_at: Option<DbTime>,
            answered_by: Option<i64>,
            escalates_id: Option<i64>,
            dedupe_key: Option<String>,
        }

        impl TryFrom<NoticeRow> for NoticeRecord {
            type Error = StoreError;
            fn try_from(row: NoticeRow) -> Result<Self, StoreError> {
                Ok(NoticeRecord {
                    id: NoticeId(row.id),
                    year: row.year,
                    seq: row.seq,
                    notice: NewNotice {
                        task: TaskId(row.task_id),
                        unit: OrgUnitId(row.unit_id),
                        tier: NoticeTier::from_code(&row.tier).map_err(bad_row)?,
                        trigger: NoticeTrigger::from_code(&row.trigger_kind).map_err(bad_row)?,
                        facts: row.facts,
                        reply_by: row.reply_by,
                        issued_at: from_db_time(row.issued_at)?,
                        dedupe_key: row.dedupe_key,
                        escalates: row.escalates_id.map(NoticeId),
                    },
                    issued_by: row.issued_by.map(UserId),
                    state: NoticeState::from_code(&row.state).map_err(bad_row)?,
                    signed_at: row.signed_at.map(from_db_time).transpose()?,
                    signed_by: row.signed_by.map(UserId),
                    answer: row.answer,
                    answered_at: row.answered_at.map(from_db_time).transpose()?,
                    answered_by: row.answered_by.map(UserId),
                })
            }
        }

        const OUTBOX_COLUMNS: &str = "id, channel, recipient, kind, title, body, link, \
            created_at, attempts, next_attempt_at, last_error, sent_at, gave_up_at";

        #[derive(sqlx::FromRow)]
        struct OutboxRow {
            id: i64,
            channel: String,
            recipient: String,
            kind: String,
            title: String,
            body: String,
            link: Option<String>,
            created_at: DbTime,
            attempts: i64,
            next_attempt_at: DbTime,
            last_error: Option<String>,
            sent_at: Option<DbTime>,
            gave_up_at: Option<DbTime>,
        }

        impl TryFrom<OutboxRow> for OutboxEntry {
            type Error = StoreError;
            fn try_from(row: OutboxRow) -> Result<Self, StoreError> {
                Ok(OutboxEntry {
                    id: row.id,
                    outgoing: Outgoing {
                        channel: row.channel,
                        recipient: row.recipient,
                        message: Message {
                            kind: NotifyKind::from_code(&row.kind).map_err(bad_row)?,
                            title: row.title,
                            body: row.body,
                            link: row.link,
                        },
                    },
                    created_at: from_db_time(row.created_at)?,
                    attempts: u32::try_from(row.attempts).unwrap_or(u32::MAX),
                    next_attempt_at: from_db_time(row.next_attempt_at)?,
                    last_error: row.last_error,
                    sent_at: row.sent_at.map(from_db_time).transpose()?,
                    gave_up_at: row.gave_up_at.map(from_db_time).transpose()?,
                })
            }
        }

        /// Runs a guarded statement (`… where state = $n`): `Conflict` on `constraint` when it
        /// matched no row — someone else changed it first, or it is not in a state that allows
        /// this.
        async fn execute_guarded<'q>(
            conn: &mut <$Db as sqlx::Database>::Connection,
            query: sqlx::query::Query<'q, $Db, <$Db as sqlx::Database>::Arguments<'q>>,
            constraint: &str,
        ) -> Result<(), StoreError> {
            let done = query.execute(&mut *conn).await.map_err(map_err)?;
            if done.rows_affected() == 0 {
                Err(conflict(constraint))
            } else {
                Ok(())
            }
        }

        /// Audits `before → after`, commits, and returns `after`: the end of every state change.
        async fn commit_change<B: serde::Serialize, A: serde::Serialize>(
            mut tx: sqlx::Transaction<'static, $Db>,
            action: &str,
            entity: &str,
            entity_id: String,
            actor: Option<UserId>,
            before: &B,
            after: A,
        ) -> Result<A, StoreError> {
            audit_change(&mut tx, action, entity, entity_id, actor, before, &after).await?;
            tx.commit().await.map_err(map_err)?;
            Ok(after)
        }

        /// The row of `table` with this `id`, read as `R` (its `columns`) and made a `T`;
        /// `NotFound` when there is none.
        async fn load_one<R, T>(
            conn: &mut <$Db as sqlx::Database>::Connection,
            columns: &str,
            table: &str,
            id: i64,
        ) -> Result<T, StoreError>
        where
            R: for<'r> sqlx::FromRow<'r, <$Db as sqlx::Database>::Row> + Send + Unpin,
            T: TryFrom<R, Error = StoreError>,
        {
            let row: Option<R> =
                sqlx::query_as(&format!("select {columns} from {table} where id = $1"))
                    .bind(id)
                    .fetch_optional(&mut *conn)
                    .await
                    .map_err(map_err)?;
            T::try_from(row.ok_or(StoreError::NotFound)?)
        }

        async fn load_notice(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: NoticeId,
        ) -> Result<NoticeRecord, StoreError> {
            load_one::<NoticeRow, _>(conn, NOTICE_COLUMNS, "notices", id.0).await
        }

        /// Stores a dispatch's inbox and outbox rows inside `tx`.
        async fn store_dispatch(
            tx: &mut sqlx::Transaction<'static, $Db>,
            dispatch: &Dispatch,
            at: chrono::DateTime<chrono::Utc>,
        ) -> Result<(), StoreError> {
            for (user, m) in &dispatch.inbox {
                sqlx::query(
                    "insert into inbox_messages (user_id, kind, title, body, link, created_at) \
                     values ($1, $2, $3, $4, $5, $6)",
                )
                .bind(user.0)
                .bind(m.kind.code())
                .bind(&m.title)
                .bind(&m.body)
                .bind(m.link.as_deref())
                .bind(to_db_time(at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            }
            for o in &dispatch.outgoing {
                sqlx::query(
                    "insert into outbox (channel, recipient, kind, title, body, link, \
                     created_at, next_attempt_at) values ($1, $2, $3, $4, $5, $6, $7, $7)",
                )
                .bind(&o.channel)
                .bind(&o.recipient)
                .bind(o.message.kind.code())
                .bind(&o.message.title)
                .bind(&o.message.body)
                .bind(o.message.link.as_deref())
                .bind(to_db_time(at))
                .execute(&mut **tx)
                .await
                .map_err(map_err)?;
            }
            Ok(())
        }

        /// Marks an open notice escalated inside `tx`, audited; `Conflict` when it is not open.
        async fn escalate_in(
            tx: &mut sqlx::Transaction<'static, $Db>,
            id: NoticeId,
            actor: Option<UserId>,
        ) -> Result<(), StoreError> {
            let before = load_notice(&mut **tx, id).await?;
            let guarded = sqlx::query(
                "update notices set state = $2 where id = $1 and state in ($3, $4)",
            )
            .bind(id.0)
            .bind(NoticeState::Escalated.code())
            .bind(NoticeState::Issued.code())
            .bind(NoticeState::Signed.code());
            execute_guarded(&mut **tx, guarded, "notices.state").await?;
            let after = load_notice(&mut **tx, id).await?;
            audit_change(tx, "notice.escalate", "notice", id.to_string(), actor, &before, &after)
                .await
        }

        impl $Store {
            async fn issue_notice_once(
                &self,
                notice: &NewNotice,
                actor: Option<UserId>,
            ) -> Result<Option<NoticeRecord>, StoreError> {
                let mut tx = self.begin().await?;
                if let Some(key) = &notice.dedupe_key {
                    let existing: Option<(i64,)> =
                        sqlx::query_as("select id from notices where dedupe_key = $1")
                            .bind(key)
                            .fetch_optional(&mut *tx)
                            .await
                            .map_err(map_err)?;
                    if existing.is_some() {
                        return Ok(None);
                    }
                }
                if let Some(earlier) = notice.escalates {
                    escalate_in(&mut tx, earlier, actor).await?;
                }
                let year = duban_core::tasks::model::local_date(notice.issued_at).year();
                let (seq,): (i64,) = sqlx::query_as(
                    "select coalesce(max(seq), 0) + 1 from notices where year = $1",
                )
                .bind(year)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let row: NoticeRow = sqlx::query_as(&format!(
                    "insert into notices (year, seq, tier, trigger_kind, task_id, unit_id, facts, \
                     reply_by, issued_at, issued_by, state, escalates_id, dedupe_key) \
                     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
                     returning {NOTICE_COLUMNS}"
                ))
                .bind(year)
                .bind(seq)
                .bind(notice.tier.code())
                .bind(notice.trigger.code())
                .bind(notice.task.0)
                .bind(notice.unit.0)
                .bind(&notice.facts)
                .bind(notice.reply_by)
                .bind(to_db_time(notice.issued_at))
                .bind(actor.map(|a| a.0))
                .bind(NoticeState::Issued.code())
                .bind(notice.escalates.map(|n| n.0))
                .bind(notice.dedupe_key.as_deref())
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = NoticeRecord::try_from(row)?;
                let id = stored.id.to_string();
                commit_insert(tx, "notice.issue", "notice", id, actor, stored)
                    .await
                    .map(Some)
            }
        }

        #[async_trait::async_trait]
        impl FollowUpStore for $Store {
            async fn issue_notice(
                &self,
                notice: &NewNotice,
                actor: Option<UserId>,
            ) -> Result<Option<NoticeRecord>, StoreError> {
                // Two notices issued at once may draw the same number (PostgreSQL does not
                // serialise the `max(seq) + 1` read): the loser's insert hits the unique
                // (year, seq) and is rolled back whole; it simply draws again.
                let mut attempt = 0;
                loop {
                    match self.issue_notice_once(notice, actor).await {
                        Err(StoreError::Conflict { constraint })
                            if constraint.contains("seq") && attempt < 5 =>
                        {
                            attempt += 1;
                        }
                        other => return other,
                    }
                }
            }

            async fn get_notice(&self, id: NoticeId) -> Result<NoticeRecord, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                load_notice(&mut conn, id).await
            }

            async fn list_notices(
                &self,
                filter: &NoticeFilter,
            ) -> Result<Vec<NoticeRecord>, StoreError> {
                let rows: Vec<NoticeRow> = sqlx::query_as(&format!(
                    "select {NOTICE_COLUMNS} from notices \
                     where ($1 is null or unit_id = $1) and ($2 is null or task_id = $2) \
                     and ($3 = 0 or state in ($4, $5)) order by issued_at desc, id desc"
                ))
                .bind(filter.unit.map(|u| u.0))
                .bind(filter.task.map(|t| t.0))
                .bind(i64::from(filter.open_only))
                .bind(NoticeState::Issued.code())
                .bind(NoticeState::Signed.code())
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(NoticeRecord::try_from).collect()
            }

            async fn sign_notice(
                &self,
                id: NoticeId,
                now: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<NoticeRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_notice(&mut *tx, id).await?;
                let guarded = sqlx::query(
                    "update notices set state = $2, signed_at = $3, signed_by = $4 \
                     where id = $1 and state = $5",
                )
                .bind(id.0)
                .bind(NoticeState::Signed.code())
                .bind(to_db_time(now))
                .bind(actor.map(|a| a.0))
                .bind(NoticeState::Issued.code());
                execute_guarded(&mut *tx, guarded, "notices.state").await?;
                let after = load_notice(&mut *tx, id).await?;
                commit_change(tx, "notice.sign", "notice", id.to_string(), actor, &before, after).await
            }

            async fn answer_notice(
                &self,
                id: NoticeId,
                answer: &str,
                now: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<NoticeRecord, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_notice(&mut *tx, id).await?;
                let at = to_db_time(now);
                let guarded = sqlx::query(
                    "update notices set state = $2, answer = $3, answered_at = $4, \
                     answered_by = $5, signed_at = coalesce(signed_at, $4), \
                     signed_by = coalesce(signed_by, $5) where id = $1 and state in ($6, $7)",
                )
                .bind(id.0)
                .bind(NoticeState::Answered.code())
                .bind(answer)
                .bind(&at)
                .bind(actor.map(|a| a.0))
                .bind(NoticeState::Issued.code())
                .bind(NoticeState::Signed.code());
                execute_guarded(&mut *tx, guarded, "notices.state").await?;
                let after = load_notice(&mut *tx, id).await?;
                commit_change(tx, "notice.answer", "notice", id.to_string(), actor, &before, after).await
            }

            async fn fire_job(
                &self,
                key: &str,
                now: chrono::DateTime<chrono::Utc>,
                dispatch: &Dispatch,
                escalate: Option<NoticeId>,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin().await?;
                let done = sqlx::query(
                    "insert into scheduler_jobs (job_key, fired_at) values ($1, $2) \
                     on conflict (job_key) do nothing",
                )
                .bind(key)
                .bind(to_db_time(now))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                if let Some(notice) = escalate {
                    escalate_in(&mut tx, notice, None).await?;
                }
                store_dispatch(&mut tx, dispatch, now).await?;
                tx.commit().await.map_err(map_err)?;
                Ok(true)
            }

            async fn list_job_keys_since(
                &self,
                since: chrono::DateTime<chrono::Utc>,
            ) -> Result<Vec<String>, StoreError> {
                let rows: Vec<(String,)> =
                    sqlx::query_as("select job_key from scheduler_jobs where fired_at >= $1")
                        .bind(to_db_time(since))
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                Ok(rows.into_iter().map(|(k,)| k).collect())
            }

            async fn unread_count(&self, user: UserId) -> Result<i64, StoreError> {
                let (n,): (i64,) = sqlx::query_as(
                    "select count(*) from inbox_messages where user_id = $1 and read_at is null",
                )
                .bind(user.0)
                .fetch_one(&self.pool)
                .await
                .map_err(map_err)?;
                Ok(n)
            }

            async fn list_inbox(
                &self,
                user: UserId,
                limit: i64,
            ) -> Result<Vec<InboxMessage>, StoreError> {
                type Row = (i64, String, String, String, Option<String>, DbTime, Option<DbTime>);
                let rows: Vec<Row> = sqlx::query_as(
                    "select id, kind, title, body, link, created_at, read_at from inbox_messages \
                     where user_id = $1 order by id desc limit $2",
                )
                .bind(user.0)
                .bind(limit.max(0))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter()
                    .map(|(id, kind, title, body, link, created_at, read_at)| {
                        Ok(InboxMessage {
                            id,
                            user,
                            message: Message {
                                kind: NotifyKind::from_code(&kind).map_err(bad_row)?,
                                title,
                                body,
                                link,
                            },
                            created_at: from_db_time(created_at)?,
                            read_at: read_at.map(from_db_time).transpose()?,
                        })
                    })
                    .collect()
            }

            async fn mark_read(
                &self,
                user: UserId,
                message: Option<i64>,
                now: chrono::DateTime<chrono::Utc>,
            ) -> Result<(), StoreError> {
                let done = sqlx::query(
                    "update inbox_messages set read_at = coalesce(read_at, $3) \
                     where user_id = $1 and ($2 is null or id = $2)",
                )
                .bind(user.0)
                .bind(message)
                .bind(to_db_time(now))
                .execute(&self.pool)
                .await
                .map_err(map_err)?;
                if message.is_some() && done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn due_outbox(
                &self,
                now: chrono::DateTime<chrono::Utc>,
                limit: i64,
            ) -> Result<Vec<OutboxEntry>, StoreError> {
                let rows: Vec<OutboxRow> = sqlx::query_as(&format!(
                    "select {OUTBOX_COLUMNS} from outbox where sent_at is null \
                     and gave_up_at is null and next_attempt_at <= $1 order by id limit $2"
                ))
                .bind(to_db_time(now))
                .bind(limit.max(0))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(OutboxEntry::try_from).collect()
            }

            async fn record_delivery(&self, id: i64, outcome: &Delivery) -> Result<(), StoreError> {
                let query = match outcome {
                    Delivery::Sent(at) => sqlx::query(
                        "update outbox set attempts = attempts + 1, sent_at = $2, \
                         last_error = null where id = $1",
                    )
                    .bind(id)
                    .bind(to_db_time(*at)),
                    Delivery::Failed {
                        at,
                        error,
                        retry_at: Some(retry_at),
                    } => sqlx::query(
                        "update outbox set attempts = attempts + 1, last_error = $2, \
                         next_attempt_at = $3 where id = $1",
                    )
                    .bind(id)
                    .bind(error.clone())
                    .bind(to_db_time((*retry_at).max(*at))),
                    Delivery::Failed {
                        at,
                        error,
                        retry_at: None,
                    } => sqlx::query(
                        "update outbox set attempts = attempts + 1, last_error = $2, \
                         gave_up_at = $3 where id = $1",
                    )
                    .bind(id)
                    .bind(error.clone())
                    .bind(to_db_time(*at)),
                };
                let done = query.execute(&self.pool).await.map_err(map_err)?;
                if done.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                Ok(())
            }

            async fn list_outbox(&self, limit: i64) -> Result<Vec<OutboxEntry>, StoreError> {
                // Waiting or failed first (what an admin acts on), then the newest.
                let rows: Vec<OutboxRow> = sqlx::query_as(&format!(
                    "select {OUTBOX_COLUMNS} from outbox \
                     order by case when sent_at is null then 0 else 1 end, id desc limit $1"
                ))
                .bind(limit.max(0))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(OutboxEntry::try_from).collect()
            }

            async fn requeue_outbox(
                &self,
                id: i64,
                now: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let done = sqlx::query(
                    "update outbox set gave_up_at = null, attempts = 0, next_attempt_at = $2 \
                     where id = $1 and sent_at is null",
                )
                .bind(id)
                .bind(to_db_time(now))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if done.rows_affected() == 0 {
                    let exists: Option<(i64,)> = sqlx::query_as("select id from outbox where id = $1")
                        .bind(id)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                    return Err(match exists {
                        Some(_) => conflict("outbox.sent_at"),
                        None => StoreError::NotFound,
                    });
                }
                append_audit(&mut tx, "outbox.requeue", "outbox", id.to_string(), actor, None, None)
                    .await?;
                tx.commit().await.map_err(map_err)
            }

            async fn list_user_emails(&self) -> Result<Vec<(UserId, String)>, StoreError> {
                let rows: Vec<(i64, String)> =
                    sqlx::query_as("select user_id, email from user_contacts order by user_id")
                        .fetch_all(&self.pool)
                        .await
                        .map_err(map_err)?;
                Ok(rows.into_iter().map(|(u, e)| (UserId(u), e)).collect())
            }

            async fn list_preferences(&self) -> Result<Vec<(UserId, Preference)>, StoreError> {
                let rows: Vec<(i64, String, bool, bool)> = sqlx::query_as(
                    "select user_id, kind, inbox, email from notification_prefs \
                     order by user_id, kind",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter()
                    .map(|(user, kind, inbox, email)| {
                        Ok((
                            UserId(user),
                            Preference {
                                kind: NotifyKind::from_code(&kind).map_err(bad_row)?,
                                inbox,
                                email,
                            },
                        ))
                    })
                    .collect()
            }

            async fn set_notification_settings(
                &self,
                user: UserId,
                email: Option<&str>,
                preferences: &[Preference],
            ) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                sqlx::query("delete from user_contacts where user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                if let Some(email) = email {
                    sqlx::query("insert into user_contacts (user_id, email) values ($1, $2)")
                        .bind(user.0)
                        .bind(email)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                sqlx::query("delete from notification_prefs where user_id = $1")
                    .bind(user.0)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                for p in preferences {
                    sqlx::query(
                        "insert into notification_prefs (user_id, kind, inbox, email) \
                         values ($1, $2, $3, $4) on conflict (user_id, kind) do update \
                         set inbox = excluded.inbox, email = excluded.email",
                    )
                    .bind(user.0)
                    .bind(p.kind.code())
                    .bind(p.inbox)
                    .bind(p.email)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                }
                // The address itself stays out of the (permanent) audit log.
                let after = serde_json::json!({
                    "email_set": email.is_some(),
                    "preferences": preferences,
                });
                append_audit(
                    &mut tx,
                    "user.notification_settings",
                    "user",
                    user.to_string(),
                    Some(user),
                    None,
                    Some(after.to_string()),
                )
                .await?;
                tx.commit().await.map_err(map_err)
            }
        }
    };
}
