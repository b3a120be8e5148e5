//! The JavaScript built-ins the boundary calls, bound here rather than through js-sys. js-sys
//! binds every built-in, and each binding leaves its description in the module, with the table
//! entries of the closure shims those descriptions name (0.6 KB of gzip for the dozen calls used
//! here).

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// `Error`.
    pub type Error;
    #[wasm_bindgen(constructor)]
    pub fn new(message: &str) -> Error;
    #[wasm_bindgen(method, getter, catch)]
    fn message(this: &Error) -> Result<JsValue, JsValue>;
}

/// The message of a thrown value when it is an `Error` whose `message` is text, else "".
pub fn message_of(thrown: &JsValue) -> String {
    thrown.dyn_ref::<Error>().and_then(|e| e.message().ok()?.as_string()).unwrap_or_default()
}

#[wasm_bindgen]
extern "C" {
    /// `Date`.
    pub type Date;
    #[wasm_bindgen(method, js_name = getTime)]
    pub fn get_time(this: &Date) -> f64;
}

#[wasm_bindgen]
extern "C" {
    /// `Array`.
    pub type Array;
    #[wasm_bindgen(static_method_of = Array, js_name = isArray)]
    pub fn is_array(value: &JsValue) -> bool;
    #[wasm_bindgen(method, getter)]
    pub fn length(this: &Array) -> u32;
    #[wasm_bindgen(method, indexing_getter)]
    pub fn get(this: &Array, index: u32) -> JsValue;
}

#[wasm_bindgen]
extern "C" {
    /// `Object`.
    pub type Object;
    #[wasm_bindgen(constructor)]
    pub fn new() -> Object;
}

#[wasm_bindgen]
extern "C" {
    /// `Int32Array`, made from a copy of the slice.
    pub type Int32Array;
    #[wasm_bindgen(constructor)]
    pub fn new(data: &[i32]) -> Int32Array;
}

#[wasm_bindgen]
extern "C" {
    /// `Uint32Array`, made from a copy of the slice.
    pub type Uint32Array;
    #[wasm_bindgen(constructor)]
    pub fn new(data: &[u32]) -> Uint32Array;
}

#[wasm_bindgen]
extern "C" {
    /// `Uint16Array`, made from a copy of the slice.
    pub type Uint16Array;
    #[wasm_bindgen(constructor)]
    pub fn new(data: &[u16]) -> Uint16Array;
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = JSON, catch)]
    pub fn parse(text: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = JSON, catch)]
    pub fn stringify(value: &JsValue) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(js_namespace = Reflect, js_name = get, catch)]
    pub fn reflect_get(target: &JsValue, key: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(js_namespace = Reflect, js_name = set, catch)]
    pub fn reflect_set(target: &JsValue, key: &JsValue, value: &JsValue) -> Result<bool, JsValue>;
}

#[wasm_bindgen(module = "/src/wasm/codec.js")]
extern "C" {
    /// The bytes of a `Uint8Array`, copied into wasm memory; `None` for anything else.
    #[wasm_bindgen(js_name = uint8Bytes)]
    pub fn uint8_bytes(value: &JsValue) -> Option<Vec<u8>>;
}
