//! The SQL of [`duban_core::store::MeetingStore`] — series, meetings, agenda items, outcomes —
//! instantiated once per backend by `meetings_sql!`, beside `sql_store!` and `followup_sql!`
//! (whose helpers it uses: `begin`, `append_audit`, `audit_change`, `load_task`,
//! `store_dispatch`, the time encoding).

macro_rules! meetings_sql {
    (store = $Store:ident, db = $Db:ty $(,)?) => {
        use duban_core::meetings::{
            AgendaItem, ItemId, ItemSource, Meeting, MeetingId, MeetingSeries, MeetingState,
            NewItem, Outcome, OutcomeKind, SeriesId,
        };
        use duban_core::store::{DecidedTask, MeetingStore};

        const MEETING_COLUMNS: &str =
            "id, series_id, held_on, title, attendees, state, decisions_sent_at, created_at";
        const ITEM_COLUMNS: &str = "id, meeting_id, position, source, task_id, request_id, \
            report_id, title, note, outcome_kind, outcome_text, lead_unit_id, co_units_json, \
            due_date, new_task_id, decided_by, decided_at";

        #[derive(sqlx::FromRow)]
        struct MeetingRow {
            id: i64,
            series_id: i64,
            held_on: chrono::NaiveDate,
            title: String,
            attendees: String,
            state: String,
            decisions_sent_at: Option<DbTime>,
            created_at: DbTime,
        }

        impl TryFrom<MeetingRow> for Meeting {
            type Error = StoreError;
            fn try_from(row: MeetingRow) -> Result<Self, StoreError> {
                Ok(Meeting {
                    id: MeetingId(row.id),
                    series: SeriesId(row.series_id),
                    held_on: row.held_on,
                    title: row.title,
                    attendees: row.attendees,
                    state: MeetingState::from_code(&row.state).map_err(bad_row)?,
                    decisions_sent_at: row.decisions_sent_at.map(from_db_time).transpose()?,
                    created_at: from_db_time(row.created_at)?,
                })
            }
        }

        #[derive(sqlx::FromRow)]
        struct ItemRow {
            id: i64,
            meeting_id: i64,
            position: i64,
            source: String,
            task_id: Option<i64>,
            request_id: Option<i64>,
            report_id: Option<i64>,
            title: String,
            note: String,
            outcome_kind: Option<String>,
            outcome_text: Option<String>,
            lead_unit_id: Option<i64>,
            co_units_json: String,
            due_date: Option<chrono::NaiveDate>,
            new_task_id: Option<i64>,
            decided_by: Option<i64>,
            decided_at: Option<DbTime>,
        }

        impl TryFrom<ItemRow> for AgendaItem {
            type Error = StoreError;
            fn try_from(row: ItemRow) -> Result<Self, StoreError> {
                let outcome = match row.outcome_kind {
                    None => None,
                    Some(kind) => {
                        let co: Vec<i64> =
                            serde_json::from_str(&row.co_units_json).map_err(bad_row)?;
                        Some(Outcome {
                            kind: OutcomeKind::from_code(&kind).map_err(bad_row)?,
                            text: row.outcome_text.unwrap_or_default(),
                            lead_unit: row.lead_unit_id.map(OrgUnitId),
                            co_units: co.into_iter().map(OrgUnitId).collect(),
                            due: row.due_date,
                        })
                    }
                };
                Ok(AgendaItem {
                    id: ItemId(row.id),
                    meeting: MeetingId(row.meeting_id),
                    position: row.position,
                    item: NewItem {
                        source: ItemSource::from_code(&row.source).map_err(bad_row)?,
                        task: row.task_id.map(TaskId),
                        request: row.request_id.map(RequestId),
                        report: row.report_id.map(ReportId),
                        title: row.title,
                        note: row.note,
                    },
                    outcome,
                    new_task: row.new_task_id.map(TaskId),
                    decided_by: row.decided_by.map(UserId),
                    decided_at: row.decided_at.map(from_db_time).transpose()?,
                })
            }
        }

        fn weekday_of(n: i32) -> Result<chrono::Weekday, StoreError> {
            use chrono::Weekday::*;
            [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
                .get(usize::try_from(n - 1).map_err(bad_row)?)
                .copied()
                .ok_or_else(|| bad_row(format!("weekday {n}")))
        }

        async fn load_meeting(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: MeetingId,
        ) -> Result<Meeting, StoreError> {
            load_one::<MeetingRow, _>(conn, MEETING_COLUMNS, "meetings", id.0).await
        }

        async fn load_items(
            conn: &mut <$Db as sqlx::Database>::Connection,
            meeting: MeetingId,
        ) -> Result<Vec<AgendaItem>, StoreError> {
            let rows: Vec<ItemRow> = sqlx::query_as(&format!(
                "select {ITEM_COLUMNS} from meeting_items where meeting_id = $1 \
                 order by position, id"
            ))
            .bind(meeting.0)
            .fetch_all(&mut *conn)
            .await
            .map_err(map_err)?;
            rows.into_iter().map(AgendaItem::try_from).collect()
        }

        async fn load_item(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: ItemId,
        ) -> Result<AgendaItem, StoreError> {
            load_one::<ItemRow, _>(conn, ITEM_COLUMNS, "meeting_items", id.0).await
        }

        /// The meeting, which must be open (`Conflict` otherwise).
        async fn open_meeting(
            conn: &mut <$Db as sqlx::Database>::Connection,
            id: MeetingId,
        ) -> Result<Meeting, StoreError> {
            let meeting = load_meeting(conn, id).await?;
            if meeting.state != MeetingState::Open {
                return Err(conflict("meetings.state"));
            }
            Ok(meeting)
        }

        async fn insert_item(
            tx: &mut sqlx::Transaction<'static, $Db>,
            meeting: MeetingId,
            position: i64,
            item: &NewItem,
        ) -> Result<AgendaItem, StoreError> {
            let row: ItemRow = sqlx::query_as(&format!(
                "insert into meeting_items (meeting_id, position, source, task_id, request_id, \
                 report_id, title, note) values ($1, $2, $3, $4, $5, $6, $7, $8) \
                 returning {ITEM_COLUMNS}"
            ))
            .bind(meeting.0)
            .bind(position)
            .bind(item.source.code())
            .bind(item.task.map(|t| t.0))
            .bind(item.request.map(|r| r.0))
            .bind(item.report.map(|r| r.0))
            .bind(&item.title)
            .bind(&item.note)
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?;
            AgendaItem::try_from(row)
        }

        /// Inserts a decided task, published, with its co-units; audited as `task.insert`.
        async fn insert_decided_task(
            tx: &mut sqlx::Transaction<'static, $Db>,
            decided: &DecidedTask<'_>,
            actor: Option<UserId>,
        ) -> Result<TaskId, StoreError> {
            let task = decided.task;
            let (id,): (i64,) = sqlx::query_as(
                "insert into tasks (plan_id, parent_id, path_json, title, text, source_start, \
                 source_end, lead_unit_id, leader_id, owner_name, start_date, due_date, \
                 original_due, frequency, status, weight, created_at, published_on) \
                 values ($1, null, '[]', $2, $3, null, null, $4, $5, $6, $7, $8, $8, $9, $10, \
                 $11, $12, $13) returning id",
            )
            .bind(decided.plan.0)
            .bind(&task.title)
            .bind(&task.text)
            .bind(task.lead_unit.map(|u| u.0))
            .bind(task.leader.map(|u| u.0))
            .bind(&task.owner_name)
            .bind(task.start)
            .bind(task.due)
            .bind(task.frequency.code())
            .bind(TaskStatus::Published.code())
            .bind(task.weight)
            .bind(to_db_time(now()))
            .bind(decided.published_on)
            .fetch_one(&mut **tx)
            .await
            .map_err(map_err)?;
            let mut co_units = task.co_units.clone();
            co_units.sort();
            co_units.dedup();
            for unit in co_units.iter().filter(|u| Some(**u) != task.lead_unit) {
                sqlx::query("insert into task_co_units (task_id, unit_id) values ($1, $2)")
                    .bind(id)
                    .bind(unit.0)
                    .execute(&mut **tx)
                    .await
                    .map_err(map_err)?;
            }
            let stored = load_task(&mut **tx, TaskId(id))
                .await?
                .ok_or(StoreError::NotFound)?;
            let after = Some(to_json(&stored)?);
            append_audit(tx, "task.insert", "task", id.to_string(), actor, None, after).await?;
            Ok(TaskId(id))
        }

        #[async_trait::async_trait]
        impl MeetingStore for $Store {
            async fn list_series(&self) -> Result<Vec<MeetingSeries>, StoreError> {
                let rows: Vec<(i64, String, i32, String)> = sqlx::query_as(
                    "select id, name, weekday, start_time from meeting_series order by id",
                )
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter()
                    .map(|(id, name, weekday, time)| {
                        Ok(MeetingSeries {
                            id: SeriesId(id),
                            name,
                            weekday: weekday_of(weekday)?,
                            start_time: chrono::NaiveTime::parse_from_str(&time, "%H:%M")
                                .map_err(bad_row)?,
                        })
                    })
                    .collect()
            }

            async fn insert_series(
                &self,
                name: &str,
                weekday: chrono::Weekday,
                start_time: chrono::NaiveTime,
                actor: Option<UserId>,
            ) -> Result<MeetingSeries, StoreError> {
                let mut tx = self.begin().await?;
                let (id,): (i64,) = sqlx::query_as(
                    "insert into meeting_series (name, weekday, start_time) \
                     values ($1, $2, $3) returning id",
                )
                .bind(name)
                .bind(i32::try_from(weekday.number_from_monday()).map_err(bad_row)?)
                .bind(start_time.format("%H:%M").to_string())
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = MeetingSeries {
                    id: SeriesId(id),
                    name: name.to_owned(),
                    weekday,
                    start_time,
                };
                commit_insert(tx, "meeting_series.insert", "meeting_series", id.to_string(), actor, stored)
                    .await
            }

            async fn create_meeting(
                &self,
                series: SeriesId,
                held_on: chrono::NaiveDate,
                title: &str,
                items: &[NewItem],
                actor: Option<UserId>,
            ) -> Result<Meeting, StoreError> {
                let mut tx = self.begin().await?;
                let row: MeetingRow = sqlx::query_as(&format!(
                    "insert into meetings (series_id, held_on, title, state, created_at) \
                     values ($1, $2, $3, $4, $5) returning {MEETING_COLUMNS}"
                ))
                .bind(series.0)
                .bind(held_on)
                .bind(title)
                .bind(MeetingState::Open.code())
                .bind(to_db_time(now()))
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let meeting = Meeting::try_from(row)?;
                for (position, item) in (0_i64..).zip(items) {
                    insert_item(&mut tx, meeting.id, position, item).await?;
                }
                let after = serde_json::json!({ "meeting": &meeting, "items": items.len() });
                append_audit(
                    &mut tx,
                    "meeting.create",
                    "meeting",
                    meeting.id.to_string(),
                    actor,
                    None,
                    Some(after.to_string()),
                )
                .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(meeting)
            }

            async fn get_meeting(
                &self,
                id: MeetingId,
            ) -> Result<(Meeting, Vec<AgendaItem>), StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let meeting = load_meeting(&mut conn, id).await?;
                let items = load_items(&mut conn, id).await?;
                Ok((meeting, items))
            }

            async fn list_meetings(&self, limit: i64) -> Result<Vec<Meeting>, StoreError> {
                let rows: Vec<MeetingRow> = sqlx::query_as(&format!(
                    "select {MEETING_COLUMNS} from meetings order by held_on desc, id desc limit $1"
                ))
                .bind(limit.max(0))
                .fetch_all(&self.pool)
                .await
                .map_err(map_err)?;
                rows.into_iter().map(Meeting::try_from).collect()
            }

            async fn previous_meeting(
                &self,
                series: SeriesId,
                before: chrono::NaiveDate,
            ) -> Result<Option<(Meeting, Vec<AgendaItem>)>, StoreError> {
                let mut conn = self.pool.acquire().await.map_err(map_err)?;
                let row: Option<MeetingRow> = sqlx::query_as(&format!(
                    "select {MEETING_COLUMNS} from meetings where series_id = $1 and held_on < $2 \
                     order by held_on desc, id desc limit 1"
                ))
                .bind(series.0)
                .bind(before)
                .fetch_optional(&mut *conn)
                .await
                .map_err(map_err)?;
                let Some(row) = row else { return Ok(None) };
                let meeting = Meeting::try_from(row)?;
                let items = load_items(&mut conn, meeting.id).await?;
                Ok(Some((meeting, items)))
            }

            async fn add_item(
                &self,
                meeting: MeetingId,
                item: &NewItem,
                actor: Option<UserId>,
            ) -> Result<AgendaItem, StoreError> {
                let mut tx = self.begin().await?;
                open_meeting(&mut *tx, meeting).await?;
                let (next,): (i64,) = sqlx::query_as(
                    "select coalesce(max(position), -1) + 1 from meeting_items where meeting_id = $1",
                )
                .bind(meeting.0)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = insert_item(&mut tx, meeting, next, item).await?;
                commit_insert(tx, "meeting_item.insert", "meeting_item", stored.id.to_string(), actor, stored)
                    .await
            }

            async fn remove_item(&self, item: ItemId, actor: Option<UserId>) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let before = load_item(&mut *tx, item).await?;
                open_meeting(&mut *tx, before.meeting).await?;
                if before.outcome.is_some() {
                    return Err(conflict("meeting_items.outcome"));
                }
                let guarded = sqlx::query(
                    "delete from meeting_items where id = $1 and outcome_kind is null",
                )
                .bind(item.0);
                execute_guarded(&mut *tx, guarded, "meeting_items.outcome").await?;
                let before_json = Some(to_json(&before)?);
                append_audit(&mut tx, "meeting_item.delete", "meeting_item", item.to_string(), actor, before_json, None)
                    .await?;
                tx.commit().await.map_err(map_err)
            }

            async fn move_item(
                &self,
                item: ItemId,
                up: bool,
                actor: Option<UserId>,
            ) -> Result<(), StoreError> {
                let mut tx = self.begin().await?;
                let this = load_item(&mut *tx, item).await?;
                open_meeting(&mut *tx, this.meeting).await?;
                let items = load_items(&mut *tx, this.meeting).await?;
                let Some(at) = items.iter().position(|i| i.id == item) else {
                    return Err(StoreError::NotFound);
                };
                let other = if up { at.checked_sub(1) } else { Some(at + 1) };
                let Some(other) = other.and_then(|o| items.get(o)) else {
                    return Ok(());
                };
                // Positions are renumbered 0..n in the new order, so ties can never stay.
                let mut order: Vec<ItemId> = items.iter().map(|i| i.id).collect();
                let other_at = order.iter().position(|i| *i == other.id).unwrap_or(at);
                order.swap(at, other_at);
                for (position, id) in (0_i64..).zip(&order) {
                    sqlx::query("update meeting_items set position = $2 where id = $1")
                        .bind(id.0)
                        .bind(position)
                        .execute(&mut *tx)
                        .await
                        .map_err(map_err)?;
                }
                let after = serde_json::json!({ "order": order.iter().map(|i| i.0).collect::<Vec<_>>() });
                append_audit(&mut tx, "meeting.reorder", "meeting", this.meeting.to_string(), actor, None, Some(after.to_string()))
                    .await?;
                tx.commit().await.map_err(map_err)
            }

            async fn record_outcome(
                &self,
                item: ItemId,
                outcome: &Outcome,
                task: Option<DecidedTask<'_>>,
                now: chrono::DateTime<chrono::Utc>,
                actor: Option<UserId>,
            ) -> Result<AgendaItem, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_item(&mut *tx, item).await?;
                open_meeting(&mut *tx, before.meeting).await?;
                if before.outcome.is_some() {
                    return Err(conflict("meeting_items.outcome"));
                }
                let new_task = match &task {
                    Some(decided) => Some(insert_decided_task(&mut tx, decided, actor).await?),
                    None => None,
                };
                if outcome.kind == OutcomeKind::Instruction {
                    let on = before.item.task.ok_or_else(|| conflict("meeting_items.task_id"))?;
                    let (id,): (i64,) = sqlx::query_as(
                        "insert into instructions (task_id, author_id, text, created_at) \
                         values ($1, $2, $3, $4) returning id",
                    )
                    .bind(on.0)
                    .bind(actor.map(|a| a.0))
                    .bind(&outcome.text)
                    .bind(to_db_time(now))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(map_err)?;
                    let after = serde_json::json!({ "task": on.0, "text": &outcome.text, "meeting_item": item.0 });
                    append_audit(&mut tx, "instruction.insert", "instruction", id.to_string(), actor, None, Some(after.to_string()))
                        .await?;
                }
                let co: Vec<i64> = outcome.co_units.iter().map(|u| u.0).collect();
                // Conditional on "no outcome yet" in the statement itself, so that of two people
                // deciding at once (PostgreSQL does not serialise the check above) one loses —
                // and the task the loser created is rolled back with it.
                let guarded = sqlx::query(
                    "update meeting_items set outcome_kind = $2, outcome_text = $3, \
                     lead_unit_id = $4, co_units_json = $5, due_date = $6, new_task_id = $7, \
                     decided_by = $8, decided_at = $9 where id = $1 and outcome_kind is null",
                )
                .bind(item.0)
                .bind(outcome.kind.code())
                .bind(&outcome.text)
                .bind(outcome.lead_unit.map(|u| u.0))
                .bind(to_json(&co)?)
                .bind(outcome.due)
                .bind(new_task.map(|t| t.0))
                .bind(actor.map(|a| a.0))
                .bind(to_db_time(now));
                execute_guarded(&mut *tx, guarded, "meeting_items.outcome").await?;
                let after = load_item(&mut *tx, item).await?;
                commit_change(tx, "meeting_item.decide", "meeting_item", item.to_string(), actor, &before, after).await
            }

            async fn set_meeting_notes(
                &self,
                meeting: MeetingId,
                title: &str,
                attendees: &str,
                actor: Option<UserId>,
            ) -> Result<Meeting, StoreError> {
                let mut tx = self.begin().await?;
                let before = open_meeting(&mut *tx, meeting).await?;
                sqlx::query("update meetings set title = $2, attendees = $3 where id = $1")
                    .bind(meeting.0)
                    .bind(title)
                    .bind(attendees)
                    .execute(&mut *tx)
                    .await
                    .map_err(map_err)?;
                let after = load_meeting(&mut *tx, meeting).await?;
                commit_change(tx, "meeting.notes", "meeting", meeting.to_string(), actor, &before, after).await
            }

            async fn close_meeting(
                &self,
                meeting: MeetingId,
                actor: Option<UserId>,
            ) -> Result<Meeting, StoreError> {
                let mut tx = self.begin().await?;
                let before = open_meeting(&mut *tx, meeting).await?;
                let guarded = sqlx::query("update meetings set state = $2 where id = $1 and state = $3")
                    .bind(meeting.0)
                    .bind(MeetingState::Closed.code())
                    .bind(MeetingState::Open.code());
                execute_guarded(&mut *tx, guarded, "meetings.state").await?;
                let after = load_meeting(&mut *tx, meeting).await?;
                commit_change(tx, "meeting.close", "meeting", meeting.to_string(), actor, &before, after).await
            }

            async fn meeting_plan(
                &self,
                year: i32,
                title: &str,
                actor: Option<UserId>,
            ) -> Result<PlanId, StoreError> {
                let mut tx = self.begin().await?;
                let found: Option<(i64,)> =
                    sqlx::query_as("select id from plans where title = $1 and year = $2")
                        .bind(title)
                        .bind(year)
                        .fetch_optional(&mut *tx)
                        .await
                        .map_err(map_err)?;
                if let Some((id,)) = found {
                    return Ok(PlanId(id));
                }
                let row: PlanRow = sqlx::query_as(&format!(
                    "insert into plans \
                     (title, year, source_file, source_text, import_json, created_at, published) \
                     values ($1, $2, '', '', '{{}}', $3, $4) returning {PLAN_COLUMNS}"
                ))
                .bind(title)
                .bind(year)
                .bind(to_db_time(now()))
                .bind(true)
                .fetch_one(&mut *tx)
                .await
                .map_err(map_err)?;
                let stored = Plan::try_from(row)?;
                let id = stored.id;
                commit_insert(tx, "plan.insert", "plan", id.to_string(), actor, stored).await?;
                Ok(id)
            }

            async fn send_decisions(
                &self,
                meeting: MeetingId,
                now: chrono::DateTime<chrono::Utc>,
                dispatch: &Dispatch,
                actor: Option<UserId>,
            ) -> Result<bool, StoreError> {
                let mut tx = self.begin().await?;
                let before = load_meeting(&mut *tx, meeting).await?;
                let done = sqlx::query(
                    "update meetings set decisions_sent_at = $2 \
                     where id = $1 and decisions_sent_at is null",
                )
                .bind(meeting.0)
                .bind(to_db_time(now))
                .execute(&mut *tx)
                .await
                .map_err(map_err)?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                store_dispatch(&mut tx, dispatch, now).await?;
                let after = load_meeting(&mut *tx, meeting).await?;
                audit_change(&mut tx, "meeting.send_decisions", "meeting", meeting.to_string(), actor, &before, &after)
                    .await?;
                tx.commit().await.map_err(map_err)?;
                Ok(true)
            }
        }
    };
}
