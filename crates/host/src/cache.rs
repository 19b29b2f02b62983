//! The on-disk cache of compiled plugins: what makes a second run start in milliseconds.
//!
//! Compiling a plugin is most of the time of a short run (`sovstack audit`: about 90% of it).
//! wasmtime can write a compiled [`Module`] out (`Module::serialize`) and map it back in
//! (`Module::deserialize`), so the host keeps one file per compiled module in a directory the
//! caller chooses (the CLI: `$XDG_CACHE_HOME/sovstack/plugins`). This module owns the file
//! format, the checks a file passes before it is used, and atomic writes. Where the directory is,
//! and whether there is one at all, belongs to the caller.
//!
//! # The key
//!
//! A file is named after the SHA-256 of: a format tag, the module's SHA-256, and wasmtime's
//! [`Engine::precompile_compatibility_hash`], which covers wasmtime's version, the target, the
//! compiler's flags and every engine setting that changes the compiled code. A plugin rebuilt,
//! a wasmtime upgrade or an engine setting changed each give another name, so a stale file is
//! never looked up (old files stay until the directory is deleted; each is a few MB).
//!
//! # Why deserializing is sound here
//!
//! `Module::deserialize` is `unsafe`: wasmtime checks the header of the bytes (its version and
//! the engine's settings) but runs the machine code in them as it is, so bytes that did not come
//! from `Module::serialize` could run anything with the rights of this process. The bytes are
//! used only when all of these hold:
//!
//! * the cache directory is owned by the effective user and writable by no one else (checked
//!   once per host; otherwise the cache is not used at all);
//! * the file, checked on the open handle (so it cannot be swapped between check and read), is
//!   a regular file owned by the effective user and writable by neither group nor others;
//! * the file starts with this format's magic and the key it is stored under (a file copied or
//!   renamed from another key is refused), followed by the SHA-256 of the rest, which must
//!   match (a truncated or bit-flipped file is refused);
//! * wasmtime's own header check passes.
//!
//! The first two mean that only this user (or root) can have written the file, and this user
//! can already run any code as themselves: the cache gives no one a right they did not have. The
//! last two mean the bytes are, unmodified, what `Module::serialize` of an engine with the same
//! settings produced for this very module. That is the condition under which wasmtime documents
//! `deserialize` as safe. A file that fails a check is reported as a [`CacheNote`] and the
//! module is compiled from its WebAssembly, then written back (in a trusted directory).
//!
//! Writes go to a temporary file in the same directory (created with mode 0600), renamed over
//! the final name, so a concurrent run sees either no file or a whole one.

use std::fs::{self, File};
use std::hash::{Hash, Hasher};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock, PoisonError};

use sha2::{Digest, Sha256};
use wasmtime::{Engine, Module};

use crate::error::codes;

/// The first bytes of every cache file: the format and its version.
const MAGIC: &[u8; 16] = b"sovstack-cwasm\x00\x01";
/// Magic, key, checksum of the payload.
const HEADER_LEN: usize = MAGIC.len() + 32 + 32;

/// A directory of compiled plugins. Give it to [`crate::Host::with_cache`].
#[derive(Debug)]
pub struct ModuleCache {
    dir: PathBuf,
    /// The user whose files are trusted: the effective user, or another one in tests.
    uid: u32,
    /// Whether `dir` was created or found trustworthy; checked on first use.
    ready: OnceLock<Result<(), ()>>,
    notes: Mutex<Vec<CacheNote>>,
}

/// Something about the cache the user should know: a file or directory refused, a write that
/// failed. The plugin was compiled instead; the run is otherwise unaffected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheNote {
    /// A `host/plugin-cache-…` code.
    pub code: &'static str,
    /// What happened, naming the path.
    pub message: String,
}

/// What a lookup found.
pub(crate) enum Lookup {
    /// The compiled module, checked.
    Hit(Module),
    /// No usable file: compile, then [`ModuleCache::store`].
    Miss,
}

impl ModuleCache {
    /// A cache in `dir` (created on first use, mode 0700), trusting the effective user's files.
    #[cfg(unix)]
    pub fn new(dir: impl Into<PathBuf>) -> ModuleCache {
        ModuleCache::trusting(dir, rustix::process::geteuid().as_raw())
    }

    /// A cache in `dir` that trusts only the files and directories of user `uid`.
    pub fn trusting(dir: impl Into<PathBuf>, uid: u32) -> ModuleCache {
        ModuleCache {
            dir: dir.into(),
            uid,
            ready: OnceLock::new(),
            notes: Mutex::new(Vec::new()),
        }
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The notes gathered so far, emptied.
    pub fn take_notes(&self) -> Vec<CacheNote> {
        std::mem::take(&mut *self.notes.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn note(&self, code: &'static str, message: String) {
        self.notes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(CacheNote { code, message });
    }

    /// The file name of the module whose SHA-256 is `module_sha256`, compiled by `engine`.
    pub(crate) fn key(engine: &Engine, module_sha256: &str) -> [u8; 32] {
        let mut hasher = Sha256Hasher(Sha256::new());
        hasher.0.update(MAGIC);
        hasher.0.update(module_sha256.as_bytes());
        engine.precompile_compatibility_hash().hash(&mut hasher);
        hasher.0.finalize().into()
    }

    fn path(&self, key: &[u8; 32]) -> PathBuf {
        self.dir.join(format!("{}.cwasm", hex::encode(key)))
    }

    /// Creates the directory, or checks the one there; `false` (with a note, once) when it
    /// cannot be used.
    fn ready(&self) -> bool {
        self.ready
            .get_or_init(|| {
                let made = {
                    let mut builder = fs::DirBuilder::new();
                    builder.recursive(true);
                    #[cfg(unix)]
                    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
                    builder.create(&self.dir)
                };
                if let Err(e) = made {
                    self.note(
                        codes::PLUGIN_CACHE_UNWRITABLE,
                        format!(
                            "cannot create the plugin cache {}: {e}; plugins are compiled on \
                             every run",
                            self.dir.display()
                        ),
                    );
                    return Err(());
                }
                match fs::metadata(&self.dir)
                    .map_err(|e| e.to_string())
                    .and_then(|m| self.untrusted(&m, true))
                {
                    Ok(()) => Ok(()),
                    Err(why) => {
                        self.note(
                            codes::PLUGIN_CACHE_UNTRUSTED,
                            format!(
                                "not using the plugin cache {}: {why}; plugins are compiled on \
                                 every run",
                                self.dir.display()
                            ),
                        );
                        Err(())
                    }
                }
            })
            .is_ok()
    }

    /// Why a file or directory may not be trusted, if it may not.
    fn untrusted(&self, meta: &fs::Metadata, dir: bool) -> Result<(), String> {
        let kind_ok = if dir { meta.is_dir() } else { meta.is_file() };
        if !kind_ok {
            return Err(if dir {
                "it is not a directory".into()
            } else {
                "it is not a regular file".into()
            });
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            if meta.uid() != self.uid {
                return Err(format!(
                    "it is owned by user {}, not by user {} who runs sovstack",
                    meta.uid(),
                    self.uid
                ));
            }
            if meta.mode() & 0o022 != 0 {
                return Err(format!(
                    "it is writable by {} (mode {:o})",
                    if meta.mode() & 0o002 != 0 {
                        "others"
                    } else {
                        "its group"
                    },
                    meta.mode() & 0o7777
                ));
            }
        }
        Ok(())
    }

    /// The compiled module stored under `key`, if there is one that passes every check.
    pub(crate) fn load(&self, engine: &Engine, key: &[u8; 32]) -> Lookup {
        if !self.ready() {
            return Lookup::Miss;
        }
        let path = self.path(key);
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Lookup::Miss,
            Err(e) => {
                self.note(
                    codes::PLUGIN_CACHE_CORRUPT,
                    format!("cannot read the cached plugin {}: {e}", path.display()),
                );
                return Lookup::Miss;
            }
        };
        // The handle's own metadata: the file read below is the file checked here.
        if let Err(why) = file
            .metadata()
            .map_err(|e| e.to_string())
            .and_then(|m| self.untrusted(&m, false))
        {
            self.note(
                codes::PLUGIN_CACHE_UNTRUSTED,
                format!(
                    "not loading the cached plugin {}: {why}; compiling the plugin instead",
                    path.display()
                ),
            );
            return Lookup::Miss;
        }
        let mut bytes = Vec::new();
        if let Err(e) = file.read_to_end(&mut bytes) {
            self.note(
                codes::PLUGIN_CACHE_CORRUPT,
                format!("cannot read the cached plugin {}: {e}", path.display()),
            );
            return Lookup::Miss;
        }
        let payload = match check_header(&bytes, key) {
            Ok(payload) => payload,
            Err(why) => {
                self.corrupt(&path, why);
                return Lookup::Miss;
            }
        };
        match deserialize(engine, payload) {
            Ok(module) => Lookup::Hit(module),
            Err(e) => {
                self.corrupt(&path, &format!("wasmtime refuses it: {e:#}"));
                Lookup::Miss
            }
        }
    }

    fn corrupt(&self, path: &Path, why: &str) {
        self.note(
            codes::PLUGIN_CACHE_CORRUPT,
            format!(
                "the cached plugin {} is damaged ({why}); compiling the plugin again and \
                 replacing it",
                path.display()
            ),
        );
    }

    /// Writes `module` under `key`, atomically; a failure is a note, never an error.
    pub(crate) fn store(&self, module: &Module, key: &[u8; 32]) {
        if !self.ready() {
            return;
        }
        let path = self.path(key);
        let written = module
            .serialize()
            .map_err(|e| format!("{e:#}"))
            .and_then(|payload| {
                let mut file =
                    tempfile::NamedTempFile::new_in(&self.dir).map_err(|e| e.to_string())?;
                file.write_all(MAGIC)
                    .and_then(|()| file.write_all(key))
                    .and_then(|()| file.write_all(&Sha256::digest(&payload)))
                    .and_then(|()| file.write_all(&payload))
                    .map_err(|e| e.to_string())?;
                file.persist(&path).map_err(|e| e.error.to_string())?;
                Ok(())
            });
        if let Err(e) = written {
            self.note(
                codes::PLUGIN_CACHE_UNWRITABLE,
                format!("cannot write the cached plugin {}: {e}", path.display()),
            );
        }
    }
}

/// The serialized module after a header that names `key` and checksums the rest.
fn check_header<'a>(bytes: &'a [u8], key: &[u8; 32]) -> Result<&'a [u8], &'static str> {
    if bytes.len() < HEADER_LEN || !bytes.starts_with(MAGIC) {
        return Err("it does not start with the cache format's header");
    }
    let (stored_key, rest) = bytes[MAGIC.len()..].split_at(32);
    if stored_key != key {
        return Err("it holds another module than its name says");
    }
    let (checksum, payload) = rest.split_at(32);
    if Sha256::digest(payload).as_slice() != checksum {
        return Err("its checksum does not match its contents");
    }
    Ok(payload)
}

/// Maps a checked payload back into a module.
#[allow(unsafe_code)]
fn deserialize(engine: &Engine, payload: &[u8]) -> wasmtime::Result<Module> {
    // SAFETY: `payload` is exactly what `Module::serialize` wrote for this key: the file is the
    // effective user's and writable by no one else, in a directory that is too, and its
    // SHA-256 matches the one written beside it (see the module docs). wasmtime checks its
    // version and the engine's settings itself and returns an error on a mismatch.
    // `deserialize` copies the bytes, so the file may change afterwards.
    unsafe { Module::deserialize(engine, payload) }
}

/// A [`Hasher`] feeding SHA-256, so that [`Engine::precompile_compatibility_hash`] gives the same
/// key in every build of sovstack (std's hashers promise no stability across releases).
struct Sha256Hasher(Sha256);

impl Hasher for Sha256Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn finish(&self) -> u64 {
        // Only the full digest is used (`ModuleCache::key`); this satisfies the trait.
        let digest = self.0.clone().finalize();
        u64::from_le_bytes(digest[..8].try_into().expect("a SHA-256 has 32 bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(opt: wasmtime::OptLevel) -> Engine {
        let mut config = wasmtime::Config::new();
        config.cranelift_opt_level(opt);
        Engine::new(&config).unwrap()
    }

    const WAT: &str = r#"(module (func (export "f") (result i32) i32.const 42))"#;

    fn module(engine: &Engine) -> Module {
        Module::new(engine, wat::parse_str(WAT).unwrap()).unwrap()
    }

    #[test]
    fn the_key_changes_with_the_module_and_the_engine_settings() {
        let none = engine(wasmtime::OptLevel::None);
        let speed = engine(wasmtime::OptLevel::Speed);
        let a = ModuleCache::key(&none, "aa");
        assert_eq!(a, ModuleCache::key(&none, "aa"));
        assert_ne!(a, ModuleCache::key(&none, "ab"));
        assert_ne!(a, ModuleCache::key(&speed, "aa"));
        // The same settings in another engine give the same key.
        assert_eq!(a, ModuleCache::key(&engine(wasmtime::OptLevel::None), "aa"));
    }

    fn hit(cache: &ModuleCache, engine: &Engine, key: &[u8; 32]) -> bool {
        matches!(cache.load(engine, key), Lookup::Hit(_))
    }

    #[test]
    fn a_stored_module_is_found_and_runs() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ModuleCache::new(dir.path().join("a/b"));
        let engine = engine(wasmtime::OptLevel::None);
        let key = ModuleCache::key(&engine, "m");
        assert!(!hit(&cache, &engine, &key));
        cache.store(&module(&engine), &key);
        let Lookup::Hit(m) = cache.load(&engine, &key) else {
            panic!("{:?}", cache.take_notes())
        };
        let mut store = wasmtime::Store::new(&engine, ());
        let instance = wasmtime::Instance::new(&mut store, &m, &[]).unwrap();
        let f = instance.get_typed_func::<(), i32>(&mut store, "f").unwrap();
        assert_eq!(f.call(&mut store, ()).unwrap(), 42);
        assert_eq!(cache.take_notes(), []);
        // Created private.
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(cache.dir()).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        let file = cache.path(&key);
        let mode = fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    /// Stores a module, lets `damage` change the file, and returns the note the next load gives.
    fn after(damage: impl FnOnce(&Path)) -> CacheNote {
        let dir = tempfile::tempdir().unwrap();
        let cache = ModuleCache::new(dir.path().join("c"));
        let engine = engine(wasmtime::OptLevel::None);
        let key = ModuleCache::key(&engine, "m");
        cache.store(&module(&engine), &key);
        damage(&cache.path(&key));
        assert!(!hit(&cache, &engine, &key));
        let mut notes = cache.take_notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        notes.remove(0)
    }

    #[test]
    fn a_damaged_file_is_refused() {
        let flip = |at: fn(usize) -> usize| {
            move |p: &Path| {
                let mut b = fs::read(p).unwrap();
                let i = at(b.len());
                b[i] ^= 1;
                fs::write(p, b).unwrap();
            }
        };
        for (what, note) in [
            ("payload bit", after(flip(|len| len - 100))),
            ("checksum bit", after(flip(|_| MAGIC.len() + 32))),
            ("magic", after(flip(|_| 0))),
            (
                "truncated",
                after(|p| {
                    let b = fs::read(p).unwrap();
                    fs::write(p, &b[..b.len() / 2]).unwrap();
                }),
            ),
            ("empty", after(|p| fs::write(p, b"").unwrap())),
        ] {
            assert_eq!(note.code, codes::PLUGIN_CACHE_CORRUPT, "{what}");
            assert!(note.message.contains("is damaged"), "{what}: {note:?}");
        }
    }

    #[test]
    fn a_file_under_another_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ModuleCache::new(dir.path());
        let engine = engine(wasmtime::OptLevel::None);
        let (k1, k2) = (
            ModuleCache::key(&engine, "one"),
            ModuleCache::key(&engine, "two"),
        );
        cache.store(&module(&engine), &k1);
        fs::copy(cache.path(&k1), cache.path(&k2)).unwrap();
        assert!(!hit(&cache, &engine, &k2));
        let notes = cache.take_notes();
        assert!(notes[0].message.contains("another module"), "{notes:?}");
    }

    #[test]
    fn a_file_from_an_engine_with_other_settings_is_refused_by_wasmtime() {
        // Written by an engine that counts fuel, its header made valid for the key of one that
        // does not: wasmtime's own check of the settings is the last line.
        let dir = tempfile::tempdir().unwrap();
        let cache = ModuleCache::new(dir.path());
        let plain = engine(wasmtime::OptLevel::None);
        let fueled = Engine::new(wasmtime::Config::new().consume_fuel(true)).unwrap();
        let key = ModuleCache::key(&plain, "m");
        let payload = module(&fueled).serialize().unwrap();
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&key);
        bytes.extend_from_slice(&Sha256::digest(&payload));
        bytes.extend_from_slice(&payload);
        // The directory is created and checked on first use.
        assert!(cache.ready());
        fs::write(cache.path(&key), bytes).unwrap();
        assert!(!hit(&cache, &plain, &key));
        let notes = cache.take_notes();
        assert!(
            notes[0].message.contains("wasmtime refuses it"),
            "{notes:?}"
        );
    }

    #[test]
    fn files_and_directories_open_to_others_are_refused() {
        use std::os::unix::fs::PermissionsExt;
        let engine = engine(wasmtime::OptLevel::None);
        let key = ModuleCache::key(&engine, "m");

        // A group-writable file.
        let note = after(|p| fs::set_permissions(p, fs::Permissions::from_mode(0o620)).unwrap());
        assert_eq!(note.code, codes::PLUGIN_CACHE_UNTRUSTED);
        assert!(note.message.contains("writable by its group"), "{note:?}");
        // A world-writable one.
        let note = after(|p| fs::set_permissions(p, fs::Permissions::from_mode(0o606)).unwrap());
        assert!(note.message.contains("writable by others"), "{note:?}");

        // A world-writable directory: the cache is not used at all, said once.
        let dir = tempfile::tempdir().unwrap();
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o777)).unwrap();
        let cache = ModuleCache::new(dir.path());
        cache.store(&module(&engine), &key);
        assert!(!hit(&cache, &engine, &key));
        assert!(!cache.path(&key).exists());
        let notes = cache.take_notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].code, codes::PLUGIN_CACHE_UNTRUSTED);
        assert!(notes[0].message.contains("writable by others"), "{notes:?}");
    }

    #[test]
    fn files_of_another_user_are_refused() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(wasmtime::OptLevel::None);
        let key = ModuleCache::key(&engine, "m");
        let mine = ModuleCache::new(dir.path());
        mine.store(&module(&engine), &key);
        assert!(hit(&mine, &engine, &key));
        // The same directory seen by a cache that trusts another user: the directory is this
        // user's, so nothing in it is used.
        let me = fs::metadata(dir.path()).unwrap().uid();
        let theirs = ModuleCache::trusting(dir.path(), me + 1);
        assert!(!hit(&theirs, &engine, &key));
        let notes = theirs.take_notes();
        assert!(
            notes[0]
                .message
                .contains(&format!("owned by user {me}, not by user {}", me + 1)),
            "{notes:?}"
        );
    }

    #[test]
    fn a_file_of_another_user_in_a_trusted_directory_is_refused() {
        // The file check on its own: a directory whose check passed, a file that is not ours.
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let engine = engine(wasmtime::OptLevel::None);
        let key = ModuleCache::key(&engine, "m");
        let mine = ModuleCache::new(dir.path());
        mine.store(&module(&engine), &key);
        let me = fs::metadata(dir.path()).unwrap().uid();
        let theirs = ModuleCache::trusting(dir.path(), me + 1);
        theirs.ready.set(Ok(())).unwrap();
        assert!(!hit(&theirs, &engine, &key));
        let notes = theirs.take_notes();
        assert!(notes[0]
            .message
            .starts_with("not loading the cached plugin"));
        assert!(notes[0].message.contains(&format!("owned by user {me}")));
    }

    #[test]
    fn a_directory_that_cannot_be_created_is_a_note() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("file");
        fs::write(&file, b"").unwrap();
        let cache = ModuleCache::new(file.join("sub"));
        let engine = engine(wasmtime::OptLevel::None);
        let key = ModuleCache::key(&engine, "m");
        cache.store(&module(&engine), &key);
        assert!(!hit(&cache, &engine, &key));
        let notes = cache.take_notes();
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert_eq!(notes[0].code, codes::PLUGIN_CACHE_UNWRITABLE);
    }
}
