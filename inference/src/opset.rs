//! The default-domain opset an ONNX file imports, read from its protobuf
//! without a protobuf library: `ModelProto.opset_import` (field 8) holds
//! `OperatorSetIdProto { domain = 1: string, version = 2: int64 }`.

fn varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
}

// Calls `f(field, value)` for each top-level varint or length-delimited field.
fn fields<'a>(bytes: &'a [u8], mut f: impl FnMut(u64, Value<'a>)) -> Option<()> {
    let mut at = 0;
    while at < bytes.len() {
        let key = varint(bytes, &mut at)?;
        let (field, wire) = (key >> 3, key & 7);
        match wire {
            0 => {
                let v = varint(bytes, &mut at)?;
                f(field, Value::Varint(v));
            },
            1 => at = at.checked_add(8).filter(|e| *e <= bytes.len())?,
            2 => {
                let len = usize::try_from(varint(bytes, &mut at)?).ok()?;
                let end = at.checked_add(len).filter(|e| *e <= bytes.len())?;
                f(field, Value::Bytes(&bytes[at..end]));
                at = end;
            },
            5 => at = at.checked_add(4).filter(|e| *e <= bytes.len())?,
            _ => return None,
        }
    }
    Some(())
}

/// The version of the default (`""` or `ai.onnx`) opset `model` imports, or
/// `None` if the bytes are not an ONNX model that declares one.
pub fn default_opset(model: &[u8]) -> Option<u32> {
    let mut found = None;
    fields(model, |field, value| {
        if let (8, Value::Bytes(payload)) = (field, value) {
            let (mut domain, mut version) = (&[][..], None);
            fields(payload, |f, v| match (f, v) {
                (1, Value::Bytes(d)) => domain = d,
                (2, Value::Varint(n)) => version = Some(n),
                _ => {},
            });
            if domain.is_empty() || domain == b"ai.onnx" {
                found = version.and_then(|v| u32::try_from(v).ok());
            }
        }
    })?;
    found
}
