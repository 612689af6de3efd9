//! `rekindle backup PATH`: a consistent copy of the database in one new file, while the bot
//! keeps running.
//!
//! SQLite's `VACUUM INTO` reads the whole database inside one read transaction, so the copy
//! is the database as it was at one instant: never half of a member's delete, never a
//! check-in without its outbox row. In WAL mode that read blocks no writer, and no writer
//! blocks it. The copy is written under a temporary name beside `PATH` and linked into place
//! only once it is complete and on disk, so `PATH` is either absent or a whole backup.
//!
//! It must never replace an existing file, never leave a file behind when it fails, and never
//! change the live database: it runs no migration and sets no journal mode.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anyhow::{bail, Context as _};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions as _, Connection as _};

/// A finished backup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    /// Where the copy is, as an absolute path.
    pub path: PathBuf,
    pub bytes: u64,
}

impl std::fmt::Display for Backup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "database copied to {} ({}, {} bytes)",
            self.path.display(),
            human_size(self.bytes),
            self.bytes
        )
    }
}

/// Copies the database at `database_url` to `destination`, which must not exist yet.
pub async fn backup(database_url: &str, destination: &Path) -> anyhow::Result<Backup> {
    let destination = std::path::absolute(destination)
        .with_context(|| format!("cannot resolve the path {}", destination.display()))?;
    if tokio::fs::symlink_metadata(&destination).await.is_ok() {
        bail!(
            "{} already exists; rekindle backup never overwrites a file. Choose a new name, or move the old file away first.",
            destination.display()
        );
    }
    let (Some(folder), Some(name)) = (destination.parent(), destination.file_name()) else {
        bail!("{} is not a path to a file", destination.display());
    };
    if !tokio::fs::metadata(folder)
        .await
        .is_ok_and(|meta| meta.is_dir())
    {
        bail!(
            "the folder {} does not exist; create it first",
            folder.display()
        );
    }
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(format!(".partial-{}", std::process::id()));
    let partial = folder.join(partial_name);
    if tokio::fs::symlink_metadata(&partial).await.is_ok() {
        bail!(
            "{} is in the way (left by an interrupted backup?); remove it and try again",
            partial.display()
        );
    }
    let result = copy_into(database_url, &partial, &destination).await;
    // Whatever happened, the partial file is ours and goes: on success it is also linked as
    // `destination`, on failure it is incomplete.
    let _ = tokio::fs::remove_file(&partial).await;
    let bytes = result?;
    Ok(Backup {
        path: destination,
        bytes,
    })
}

/// Writes the copy to `partial`, makes it durable, and links it as `destination`; returns
/// its size.
async fn copy_into(database_url: &str, partial: &Path, destination: &Path) -> anyhow::Result<u64> {
    let options = SqliteConnectOptions::from_str(database_url)
        .with_context(|| {
            format!(
                "DATABASE_URL “{database_url}” is not a SQLite URL like sqlite://data/rekindle.db"
            )
        })?
        // A missing database is an error, not a new empty file. Not `read_only`: with the
        // bot stopped, a read-only connection leaves `-wal` and `-shm` files behind (owned
        // by whoever ran the backup, which can lock the bot's own user out of them); a
        // read-write one removes them when it closes. Nothing here writes: no migration,
        // no journal mode, only `VACUUM INTO`.
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(5));
    let source = options.get_filename();
    if !tokio::fs::metadata(source).await.is_ok_and(|m| m.is_file()) {
        bail!(
            "there is no database at {} (DATABASE_URL “{database_url}”); start from the folder the bot runs in, or set DATABASE_URL",
            source.display()
        );
    }
    let mut connection = options
        .connect()
        .await
        .with_context(|| format!("cannot open the database {}", source.display()))?;
    let Some(into) = partial.to_str() else {
        bail!(
            "{} is not valid UTF-8, which SQLite needs for a file name",
            partial.display()
        );
    };
    let copied = sqlx::query("VACUUM INTO ?")
        .bind(into)
        .execute(&mut connection)
        .await
        .with_context(|| format!("cannot copy the database {}", source.display()));
    let _ = connection.close().await;
    copied?;
    // The copy holds what members wrote: readable by the owner only, like the state folder.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        tokio::fs::set_permissions(partial, std::fs::Permissions::from_mode(0o600))
            .await
            .with_context(|| format!("cannot make the copy {} private", partial.display()))?;
    }
    let file = tokio::fs::File::open(partial)
        .await
        .with_context(|| format!("cannot open the copy {}", partial.display()))?;
    file.sync_all()
        .await
        .with_context(|| format!("cannot write the copy {} to disk", partial.display()))?;
    let bytes = file.metadata().await.map(|meta| meta.len())?;
    // A hard link fails if `destination` appeared in the meantime, so nothing is replaced.
    match tokio::fs::hard_link(partial, destination).await {
        Ok(()) => {}
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => bail!(
            "{} already exists; rekindle backup never overwrites a file",
            destination.display()
        ),
        // Some filesystems (FAT on a USB stick) have no hard links: rename instead, after
        // one more look.
        Err(_) if tokio::fs::symlink_metadata(destination).await.is_err() => {
            tokio::fs::rename(partial, destination)
                .await
                .with_context(|| format!("cannot move the copy to {}", destination.display()))?;
        }
        Err(error) => {
            return Err(error)
                .with_context(|| format!("cannot link the copy to {}", destination.display()))
        }
    }
    if let Some(folder) = destination.parent() {
        // The new name must survive a power cut too.
        if let Ok(folder) = tokio::fs::File::open(folder).await {
            let _ = folder.sync_all().await;
        }
    }
    Ok(bytes)
}

/// `1536` → `1.5 KiB`: for people reading the terminal.
fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut size = bytes as f64 / 1024.0;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    format!("{size:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::human_size;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(5 * 1024 * 1024), "5.0 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 * 1024), "3.0 GiB");
    }
}
