//! What [`super::wire`] and [`super::loaded`] share to send the model's types by their plain
//! shapes (serde's remote derive, <https://serde.rs/remote-derive.html>): a field of type
//! `Option<T>` whose `T` is declared remotely (`TDef`) cannot name `TDef` in `#[serde(with)]`
//! directly, so [`option_of!`] writes the `with` module once for each such `T`.

/// `option_of!(module, T, TDef, "TDef")`: a module `module` with the `serialize` and
/// `deserialize` that `#[serde(with = "module")]` needs for an `Option<T>`, encoding the `T`
/// through its remote declaration `TDef` (postcard: a 0 byte for `None`, 1 and the value for
/// `Some`). The module sees the caller's items (`use super::*`).
macro_rules! option_of {
    ($module:ident, $ty:ty, $def:ident, $def_name:literal) => {
        mod $module {
            use super::*;

            pub fn serialize<S: Serializer>(v: &Option<$ty>, s: S) -> Result<S::Ok, S::Error> {
                struct One<'a>(&'a $ty);
                impl Serialize for One<'_> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        $def::serialize(self.0, s)
                    }
                }
                v.as_ref().map(One).serialize(s)
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<$ty>, D::Error> {
                #[derive(Deserialize)]
                struct One(#[serde(with = $def_name)] $ty);
                Ok(Option::<One>::deserialize(d)?.map(|o| o.0))
            }
        }
    };
}

pub(crate) use option_of;
