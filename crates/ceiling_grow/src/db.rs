//! The connection to the scratch database: read-write, one statement at a time.
//!
//! The driver is async and ceiling is not: a current-thread runtime drives it, as in `ceiling db`.

use bytes::Bytes;
use ceiling_db::{Target, connect, describe};
use futures_util::SinkExt;
use tokio_postgres::{Client, Row, SimpleQueryMessage};

pub struct Db {
    runtime: tokio::runtime::Runtime,
    client: Client,
}

impl Db {
    pub fn connect(url: &str) -> Result<Db, String> {
        let target = Target::parse(url).map_err(|err| format!("bad database URL: {}", err.0))?;
        let (runtime, client) = connect(&target).map_err(|err| err.to_string())?;
        Ok(Db { runtime, client })
    }

    /// Statements separated by `;`, in the simple protocol (what a migration file holds).
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        self.runtime.block_on(self.client.batch_execute(sql)).map_err(|err| describe(&err))
    }

    /// A query with no parameters, rows typed by the driver.
    pub fn query(&self, sql: &str) -> Result<Vec<Row>, String> {
        self.runtime.block_on(self.client.query(sql, &[])).map_err(|err| describe(&err))
    }

    /// The first column of each row, as text (what `EXPLAIN (FORMAT JSON)` returns).
    pub fn texts(&self, sql: &str) -> Result<Vec<String>, String> {
        let messages = self.runtime.block_on(self.client.simple_query(sql)).map_err(|err| describe(&err))?;
        Ok(messages
            .into_iter()
            .filter_map(|message| match message {
                SimpleQueryMessage::Row(row) => row.get(0).map(str::to_owned),
                _ => None,
            })
            .collect())
    }

    /// `COPY ... FROM STDIN`, fed by `fill` one chunk at a time until it returns `None`.
    pub fn copy_in(
        &self,
        statement: &str,
        mut fill: impl FnMut() -> Result<Option<Bytes>, String>,
    ) -> Result<u64, String> {
        self.runtime.block_on(async {
            let sink = self.client.copy_in::<_, Bytes>(statement).await.map_err(|err| describe(&err))?;
            futures_util::pin_mut!(sink);
            while let Some(chunk) = fill()? {
                sink.send(chunk).await.map_err(|err| describe(&err))?;
            }
            sink.as_mut().finish().await.map_err(|err| describe(&err))
        })
    }
}
