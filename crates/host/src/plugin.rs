//! A loaded plugin, and the checks a module passes before it becomes one: no imports, and the
//! exports of the ABI with their exact signatures.

use std::fmt;

use sovstack_abi::{exports, PluginInfo};
use wasmtime::{ExternType, FuncType, InstancePre, Module, ModuleExport, ValType};

use crate::error::PluginError;
use crate::sandbox::CallState;

/// A plugin that passed [`crate::Host::load`]: compiled, checked, pre-instantiated, described.
///
/// It belongs to the host that loaded it; evaluating it with another host gives
/// `plugin/instantiate-failed`.
#[derive(Clone)]
pub struct Plugin {
    /// What the plugin says about itself (its `abi_version` equals [`sovstack_abi::ABI_VERSION`]).
    pub info: PluginInfo,
    /// SHA-256 of the WebAssembly bytes, lowercase hex.
    pub sha256: String,
    /// Where it came from (`builtin:processor`, a file path), as given to `load`.
    pub origin: String,
    /// Size of the WebAssembly bytes.
    pub size: usize,
    pub(crate) pre: InstancePre<CallState>,
    pub(crate) exports: Exports,
}

impl fmt::Debug for Plugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Plugin")
            .field("info", &self.info)
            .field("sha256", &self.sha256)
            .field("origin", &self.origin)
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

/// Where the ABI's exports sit in the module, resolved once so each call skips the name lookup.
#[derive(Clone, Copy)]
pub(crate) struct Exports {
    pub(crate) memory: ModuleExport,
    pub(crate) abi_version: ModuleExport,
    pub(crate) alloc: ModuleExport,
    pub(crate) info: ModuleExport,
    pub(crate) evaluate: ModuleExport,
}

/// Refuses a module that imports anything, naming the first import.
pub(crate) fn check_imports(origin: &str, module: &Module) -> Result<(), PluginError> {
    match module.imports().next() {
        Some(import) => Err(PluginError::ImportNotAllowed {
            origin: origin.into(),
            module: import.module().into(),
            name: import.name().into(),
        }),
        None => Ok(()),
    }
}

/// Checks that every export of the ABI is there with its signature, and locates them.
pub(crate) fn check_exports(origin: &str, module: &Module) -> Result<Exports, PluginError> {
    use ValType::{I32, I64};
    let find = |name: &'static str, expected: &'static str| {
        let missing = || PluginError::MissingExport {
            origin: origin.into(),
            name,
            expected,
        };
        let ty = module.get_export(name).ok_or_else(missing)?;
        let index = module.get_export_index(name).ok_or_else(missing)?;
        Ok::<_, PluginError>((ty, index))
    };
    let mismatch = |name: &'static str, expected: &'static str, ty: &ExternType| {
        PluginError::BadExportSignature {
            origin: origin.into(),
            name,
            found: describe(ty),
            expected,
        }
    };
    let func = |name: &'static str, expected, params: &[ValType], results: &[ValType]| {
        let (ty, index) = find(name, expected)?;
        match &ty {
            ExternType::Func(f) if signature_is(f, params, results) => Ok(index),
            _ => Err(mismatch(name, expected, &ty)),
        }
    };

    const MEMORY: &str = "a 32-bit, unshared memory";
    let (ty, memory) = find(exports::MEMORY, MEMORY)?;
    match &ty {
        ExternType::Memory(m) if !m.is_64() && !m.is_shared() => {}
        _ => return Err(mismatch(exports::MEMORY, MEMORY, &ty)),
    }
    Ok(Exports {
        memory,
        abi_version: func(exports::ABI_VERSION, "a function () -> i32", &[], &[I32])?,
        alloc: func(exports::ALLOC, "a function (i32) -> i32", &[I32], &[I32])?,
        info: func(exports::INFO, "a function () -> i64", &[], &[I64])?,
        evaluate: func(
            exports::EVALUATE,
            "a function (i32, i32) -> i64",
            &[I32, I32],
            &[I64],
        )?,
    })
}

fn signature_is(ty: &FuncType, params: &[ValType], results: &[ValType]) -> bool {
    let same = |found: &mut dyn ExactSizeIterator<Item = ValType>, want: &[ValType]| {
        found.len() == want.len() && found.zip(want).all(|(a, b)| ValType::eq(&a, b))
    };
    same(&mut ty.params(), params) && same(&mut ty.results(), results)
}

/// What an export is, for a message: `a function (i32) -> i32`, `a global`, ...
fn describe(ty: &ExternType) -> String {
    let list = |types: &mut dyn Iterator<Item = ValType>| {
        types.map(|t| t.to_string()).collect::<Vec<_>>().join(", ")
    };
    match ty {
        ExternType::Func(f) => {
            let results = match f.results().len() {
                1 => list(&mut f.results()),
                _ => format!("({})", list(&mut f.results())),
            };
            format!("a function ({}) -> {results}", list(&mut f.params()))
        }
        ExternType::Memory(m) if m.is_64() => "a 64-bit memory".into(),
        ExternType::Memory(m) if m.is_shared() => "a shared memory".into(),
        ExternType::Memory(_) => "a memory".into(),
        ExternType::Global(_) => "a global".into(),
        ExternType::Table(_) => "a table".into(),
        ExternType::Tag(_) => "a tag".into(),
    }
}
