//! Errors: [`Error`] (a kind, a message, a trace of frames, an optional
//! source), [`ErrorKind`], [`Result`] and [`ResultExt`].
//!
//! Errors from the engine arrive as the C API's "Code: message" strings; the
//! code picks the kind (see [`Error::from_engine`]) and the rest is the message.
use std::fmt;
use std::panic::Location;
use std::sync::Arc;

/// The result of every fallible call of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// What went wrong, in broad classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// An operating-system error.
    Io,
    /// Bad bytes on disk (a checksum or format failure).
    Corruption,
    /// A bad argument or option, an oversized entry, or an open-time check.
    InvalidArgument,
    /// The handle was closed.
    DbClosed,
    /// A mutation on a read-only handle.
    ReadOnly,
    /// An earlier background flush or compaction failed.
    Background,
}

impl ErrorKind {
    /// The kind's fixed description, also its `Display` text.
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Io => "I/O error",
            ErrorKind::Corruption => "Corruption",
            ErrorKind::InvalidArgument => "Invalid argument",
            ErrorKind::DbClosed => "DB is closed",
            ErrorKind::ReadOnly => "DB is read-only",
            ErrorKind::Background => "Background error",
        }
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One step of an error's trace: where it was made or passed on, and a note.
#[derive(Clone)]
struct Frame {
    location: &'static Location<'static>,
    note: Option<String>,
}

/// An error: a kind, a message, the places it went through, and maybe the
/// error that caused it.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    frames: Vec<Frame>,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

impl Error {
    #[track_caller]
    fn new(kind: ErrorKind, message: String) -> Self {
        Error {
            kind,
            message,
            frames: vec![Frame { location: Location::caller(), note: None }],
            source: None,
        }
    }

    /// A `Corruption` error.
    #[track_caller]
    pub fn corruption(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::Corruption, msg.into())
    }

    /// An `InvalidArgument` error.
    #[track_caller]
    pub fn invalid_argument(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::InvalidArgument, msg.into())
    }

    /// A `Background` error.
    #[track_caller]
    pub fn background(msg: impl Into<String>) -> Self {
        Self::new(ErrorKind::Background, msg.into())
    }

    /// A `DbClosed` error; its message is the kind's text.
    #[track_caller]
    pub fn db_closed() -> Self {
        Self::new(ErrorKind::DbClosed, ErrorKind::DbClosed.as_str().to_string())
    }

    /// A `ReadOnly` error; its message is the kind's text.
    #[track_caller]
    pub fn read_only() -> Self {
        Self::new(ErrorKind::ReadOnly, ErrorKind::ReadOnly.as_str().to_string())
    }

    /// An `Io` error whose message is `e`'s text and whose source is `e`.
    #[track_caller]
    pub fn io(e: std::io::Error) -> Self {
        let mut err = Self::new(ErrorKind::Io, e.to_string());
        err.source = Some(Arc::new(e));
        err
    }

    /// The same error with `source` as its cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The same error with one more trace frame: the caller and `note`.
    #[must_use]
    #[track_caller]
    pub fn context(mut self, note: impl Into<String>) -> Self {
        self.frames.push(Frame { location: Location::caller(), note: Some(note.into()) });
        self
    }

    /// The error's kind.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The error's message, without kind or trace.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Turns an engine error ("Code: message", the C API's form of a C++
    /// Status) into an Error. The codes map as: IOError/NotFound (a missing
    /// file) -> Io, Corruption -> Corruption, InvalidArgument/NotSupported/
    /// Busy -> InvalidArgument (Busy is a held LOCK, refused at open),
    /// Aborted -> DbClosed when the DB was closing, else Background.
    #[track_caller]
    pub(crate) fn from_engine(text: &str) -> Self {
        let (code, message) = match text.split_once(": ") {
            Some((code, rest)) => (code, rest),
            None => (text, ""),
        };
        let kind = match code {
            "IOError" | "NotFound" => ErrorKind::Io,
            "Corruption" => ErrorKind::Corruption,
            "InvalidArgument" | "NotSupported" | "Busy" => ErrorKind::InvalidArgument,
            "Aborted" if message.contains("DB is clos") => ErrorKind::DbClosed,
            "Aborted" => ErrorKind::Background,
            _ => return Self::new(ErrorKind::Io, text.to_string()),
        };
        let message = if message.is_empty() { code } else { message };
        Self::new(kind, message.to_string())
    }

    /// The same error with one more plain trace frame (the caller).
    #[track_caller]
    fn traced(mut self) -> Self {
        self.frames.push(Frame { location: Location::caller(), note: None });
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)?;
        for frame in &self.frames {
            write!(f, "\n    at {}", frame.location)?;
            if let Some(note) = &frame.note {
                write!(f, " -- {note}")?;
            }
        }
        let mut cause = self.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static));
        while let Some(c) = cause {
            write!(f, "\ncaused by: {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|s| s as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    #[track_caller]
    fn from(e: std::io::Error) -> Self {
        Error::io(e)
    }
}

/// Adds trace frames to the error of a result.
pub trait ResultExt<T> {
    /// On `Err`, adds a frame at the caller.
    fn ctx(self) -> Result<T>;
    /// On `Err`, adds a frame at the caller with the note `note()` (not run
    /// on `Ok`).
    fn with_ctx<S: Into<String>>(self, note: impl FnOnce() -> S) -> Result<T>;
}

impl<T> ResultExt<T> for Result<T> {
    #[track_caller]
    fn ctx(self) -> Result<T> {
        match self {
            Ok(v) => Ok(v),
            Err(e) => Err(e.traced()),
        }
    }

    #[track_caller]
    fn with_ctx<S: Into<String>>(self, note: impl FnOnce() -> S) -> Result<T> {
        match self {
            Ok(v) => Ok(v),
            Err(e) => Err(e.context(note())),
        }
    }
}

impl<T> ResultExt<T> for std::result::Result<T, std::io::Error> {
    #[track_caller]
    fn ctx(self) -> Result<T> {
        match self {
            Ok(v) => Ok(v),
            Err(e) => Err(Error::io(e)),
        }
    }

    #[track_caller]
    fn with_ctx<S: Into<String>>(self, note: impl FnOnce() -> S) -> Result<T> {
        match self {
            Ok(v) => Ok(v),
            Err(e) => Err(Error::io(e).context(note())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_codes_map_to_kinds() {
        let e = Error::from_engine("IOError: /x: open: No such file");
        assert_eq!((e.kind(), e.message()), (ErrorKind::Io, "/x: open: No such file"));
        assert_eq!(Error::from_engine("Corruption: bad").kind(), ErrorKind::Corruption);
        assert_eq!(Error::from_engine("Busy: LOCK held").kind(), ErrorKind::InvalidArgument);
        assert_eq!(Error::from_engine("Aborted: DB is closed").kind(), ErrorKind::DbClosed);
        assert_eq!(Error::from_engine("Aborted: slice").kind(), ErrorKind::Background);
        assert_eq!(Error::from_engine("weird").kind(), ErrorKind::Io);
    }

    #[test]
    fn display_has_kind_message_frames_and_causes() {
        let e = Error::io(std::io::Error::other("disk gone")).context("while syncing");
        let text = e.to_string();
        assert!(text.starts_with("I/O error: disk gone\n    at "), "{text}");
        assert!(text.contains(" -- while syncing"), "{text}");
        assert!(text.ends_with("\ncaused by: disk gone"), "{text}");
        assert_eq!(format!("{e:?}"), text);
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn with_ctx_runs_its_closure_only_on_err() {
        let ok: Result<u8> = Ok(1);
        assert_eq!(ok.with_ctx(|| -> String { panic!("must not run") }).unwrap(), 1);
        let err: Result<u8> = Err(Error::db_closed());
        let e = err.with_ctx(|| "note").unwrap_err();
        assert_eq!((e.kind(), e.message()), (ErrorKind::DbClosed, "DB is closed"));
    }

    #[test]
    fn error_is_send_sync_static() {
        fn check<T: Clone + Send + Sync + 'static + std::error::Error>() {}
        check::<Error>();
    }
}
