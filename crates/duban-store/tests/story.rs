//! The store conformance story: one walk through `Arc<dyn Store>` that every backend must pass.
//!
//! It always runs on a temporary SQLite file. It also runs on PostgreSQL when
//! `DUBAN_TEST_POSTGRES_URL` is set (e.g. `postgres://postgres@127.0.0.1/postgres`), inside a
//! database created for this run and dropped afterwards, so parallel runs never collide.
//! The only test binary of this crate: add to the story rather than adding files here.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use duban_core::audit::verify_chain;
use duban_core::org::{NewOrgUnit, NewUser, OrgUnitId, OrgUnitKind, Role, UserId};
use duban_core::store::{Store, StoreError};
use std::sync::Arc;

/// Direct SQL access to the same database, to play the part of someone editing rows by hand.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgPool),
}

impl Raw {
    async fn exec(&self, sql: &str) -> u64 {
        match self {
            Raw::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
            #[cfg(feature = "postgres")]
            Raw::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .unwrap()
                .rows_affected(),
        }
    }
}

async fn story(store: Arc<dyn Store>, raw: Raw) {
    // Arrange: an org tree.
    store.health().await.unwrap();
    let admin_actor = None;
    let bureau = store
        .insert_org_unit(
            &NewOrgUnit::parse(None, "某区文教体局", OrgUnitKind::Bureau).unwrap(),
            admin_actor,
        )
        .await
        .unwrap();
    let department = store
        .insert_org_unit(
            &NewOrgUnit::parse(Some(bureau.id), "基础教育科", OrgUnitKind::Department).unwrap(),
            admin_actor,
        )
        .await
        .unwrap();
    let school = store
        .insert_org_unit(
            &NewOrgUnit::parse(Some(bureau.id), "实验小学", OrgUnitKind::School).unwrap(),
            admin_actor,
        )
        .await
        .unwrap();
    assert_eq!(school.parent, Some(bureau.id));
    let units = store.list_org_units().await.unwrap();
    assert_eq!(
        units,
        vec![bureau.clone(), department.clone(), school.clone()]
    );

    // A parent that does not exist is refused and leaves no trace.
    let orphan = NewOrgUnit::parse(Some(OrgUnitId(9999)), "幽灵学校", OrgUnitKind::School).unwrap();
    let err = store
        .insert_org_unit(&orphan, admin_actor)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // Users of every role.
    let admin = store
        .insert_user(
            &NewUser::parse("admin", "系统管理员", Role::Admin, None).unwrap(),
            "$argon2id$admin",
            None,
        )
        .await
        .unwrap();
    let by = Some(admin.id);
    let people = [
        ("leader", "王局长", Role::Leader, Some(bureau.id)),
        ("dcs", "督查室李", Role::Supervisor, Some(bureau.id)),
        ("jjk", "基教科张", Role::Unit, Some(department.id)),
        ("syxx", "实验小学赵", Role::Unit, Some(school.id)),
        ("viewer", "只读用户", Role::Viewer, None),
    ];
    for (username, name, role, unit) in people {
        let new = NewUser::parse(username, name, role, unit).unwrap();
        let user = store
            .insert_user(&new, &format!("$argon2id${username}"), by)
            .await
            .unwrap();
        assert_eq!((user.role, user.unit, user.active), (role, unit, true));
    }

    // Act + assert: a taken username is a conflict on the username constraint.
    let dup = NewUser::parse("dcs", "冒名者", Role::Viewer, None).unwrap();
    match store.insert_user(&dup, "x", by).await {
        Err(StoreError::Conflict { constraint }) => {
            assert!(constraint.contains("username"), "{constraint}")
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    let ghost_unit = NewUser::parse("ghost", "无单位", Role::Unit, Some(OrgUnitId(9999))).unwrap();
    let err = store.insert_user(&ghost_unit, "x", by).await.unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");

    // Login lookup returns the hash; unknown users are None.
    let (unit_user, hash) = store.get_user_by_username("syxx").await.unwrap().unwrap();
    assert_eq!(hash, "$argon2id$syxx");
    assert_eq!(unit_user.unit, Some(school.id));
    assert!(
        store
            .get_user_by_username("nobody")
            .await
            .unwrap()
            .is_none()
    );

    // Deactivate a user.
    let off = store
        .set_user_active(unit_user.id, false, by)
        .await
        .unwrap();
    assert!(!off.active);
    let (again, _) = store.get_user_by_username("syxx").await.unwrap().unwrap();
    assert!(!again.active);
    let err = store
        .set_user_active(UserId(9999), false, by)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound), "{err:?}");
    let users = store.list_users().await.unwrap();
    assert_eq!(users.len(), 6);
    assert_eq!(users.iter().filter(|u| !u.active).count(), 1);

    // One audit event per successful write (3 units + 6 users + 1 deactivation), none for the
    // refused ones, chained, and free of password hashes.
    let events = store.list_audit_events(0, 1000).await.unwrap();
    assert_eq!(events.len(), 10);
    assert_eq!(
        events.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    assert_eq!(verify_chain(&events), Ok(()));
    assert!(events.iter().all(|e| {
        let text = format!("{:?}{:?}", e.before, e.after);
        !text.contains("argon2id")
    }));
    let last = &events[9];
    assert_eq!(
        (last.action.as_str(), last.entity.as_str(), last.actor),
        ("user.set_active", "user", Some(admin.id))
    );
    assert!(last.before.as_deref().unwrap().contains("\"active\":true"));
    assert!(last.after.as_deref().unwrap().contains("\"active\":false"));
    let page = store.list_audit_events(2, 3).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 4, 5]);

    // Someone edits an audit row by hand: the chain names it.
    let changed = raw
        .exec("update audit_events set after_json = '{\"name\":\"改过\"}' where seq = 3")
        .await;
    assert_eq!(changed, 1);
    let events = store.list_audit_events(0, 1000).await.unwrap();
    let broken = verify_chain(&events).unwrap_err();
    assert_eq!(broken.seq, 3, "{broken}");

    // Someone deletes an earlier row: the gap is the first break now.
    assert_eq!(raw.exec("delete from audit_events where seq = 2").await, 1);
    let events = store.list_audit_events(0, 1000).await.unwrap();
    let broken = verify_chain(&events).unwrap_err();
    assert_eq!(broken.seq, 2, "{broken}");
    assert!(broken.reason.contains("删除"), "{broken}");
}

#[tokio::test]
async fn org_users_and_audit_story_passes_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("duban.db");
    let url = format!("sqlite://{}", path.display());
    let store = duban_store::connect(&url).await.unwrap();
    let raw = Raw::Sqlite(sqlx::SqlitePool::connect(&url).await.unwrap());
    story(store, raw).await;

    // A second connect runs no migration twice and sees the same data.
    let reopened = duban_store::connect(&url).await.unwrap();
    assert_eq!(reopened.list_users().await.unwrap().len(), 6);
}

#[tokio::test]
async fn sqlite_backup_is_a_consistent_copy_with_an_intact_chain() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("live.db").display());
    let store = duban_store::sqlite::SqliteStore::connect(&url)
        .await
        .unwrap();
    let bureau = NewOrgUnit::parse(None, "某区文教体局", OrgUnitKind::Bureau).unwrap();
    store.insert_org_unit(&bureau, None).await.unwrap();

    let copy = dir.path().join("copy.db");
    duban_store::backup(store.pool(), &copy).await.unwrap();
    assert!(duban_store::backup(store.pool(), &copy).await.is_err());

    let restored = duban_store::connect(&format!("sqlite://{}", copy.display()))
        .await
        .unwrap();
    let events = restored.list_audit_events(0, 100).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(verify_chain(&events), Ok(()));
}

#[tokio::test]
async fn connect_refuses_urls_without_a_known_scheme() {
    for url in ["data/duban.db", "mysql://localhost/duban"] {
        let err = duban_store::connect(url).await.err().unwrap();
        assert!(err.to_string().contains("sqlite:"), "{err}");
    }
}

/// `url` with its database name replaced by `name` (query string kept).
#[cfg(feature = "postgres")]
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn org_users_and_audit_story_passes_on_postgres() {
    let Ok(admin_url) = std::env::var("DUBAN_TEST_POSTGRES_URL") else {
        eprintln!("DUBAN_TEST_POSTGRES_URL is not set: skipping the PostgreSQL story");
        return;
    };
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let name = format!("duban_test_{}_{nanos}", std::process::id());
    let admin = sqlx::PgPool::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("create database {name}"))
        .execute(&admin)
        .await
        .unwrap();

    let url = with_database(&admin_url, &name);
    let store = duban_store::connect(&url).await.unwrap();
    let raw_pool = sqlx::PgPool::connect(&url).await.unwrap();
    story(store, Raw::Postgres(raw_pool.clone())).await;

    raw_pool.close().await;
    sqlx::query(&format!("drop database {name} with (force)"))
        .execute(&admin)
        .await
        .unwrap();
}

#[cfg(feature = "postgres")]
#[test]
fn with_database_replaces_only_the_database_name() {
    assert_eq!(
        with_database("postgres://postgres@127.0.0.1/postgres", "t1"),
        "postgres://postgres@127.0.0.1/t1"
    );
    assert_eq!(
        with_database("postgresql://u:p@h:5433?sslmode=disable", "t1"),
        "postgresql://u:p@h:5433/t1?sslmode=disable"
    );
}
