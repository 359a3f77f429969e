//! Naming peers: the addresses the chain records, the identity a peer keeps
//! across restarts, and the address it tells others to dial.

use std::path::Path;

use libp2p::{identity::Keypair, multiaddr::Protocol, Multiaddr, PeerId};

use crate::DataPlaneError;

/// Splits `/…/p2p/<peer id>` into the peer and the address to dial it at.
/// `None` if the address names no peer.
pub fn split(addr: &Multiaddr) -> Option<(PeerId, Multiaddr)> {
    let mut dial = addr.clone();
    match dial.pop()? {
        Protocol::P2p(peer) => Some((peer, dial)),
        _ => None,
    }
}

/// A peer id and address as the chain keeps them (libp2p's binary forms),
/// ready to dial; `None` if either does not parse.
pub fn registered((peer_id, addr): &(Vec<u8>, Vec<u8>)) -> Option<(PeerId, Multiaddr)> {
    Some((PeerId::from_bytes(peer_id).ok()?, Multiaddr::try_from(addr.clone()).ok()?))
}

/// `addr` with `/p2p/<peer>` appended: a full address another peer can
/// check the identity of.
pub fn join(peer: PeerId, addr: &Multiaddr) -> Multiaddr {
    addr.clone().with(Protocol::P2p(peer))
}

/// Whether `addr` listens on every interface (`0.0.0.0` or `::`): not an
/// address anyone can dial.
pub fn unspecified(addr: &Multiaddr) -> bool {
    match addr.iter().next() {
        Some(Protocol::Ip4(ip)) => ip.is_unspecified(),
        Some(Protocol::Ip6(ip)) => ip.is_unspecified(),
        _ => false,
    }
}

/// The address to tell others, from those a peer listens on: the first that
/// is neither unspecified nor loopback, else the first loopback one (a
/// single-host network).
pub fn public_address(listening: &[Multiaddr]) -> Option<Multiaddr> {
    let kind = |a: &Multiaddr| match a.iter().next() {
        _ if unspecified(a) => None,
        Some(Protocol::Ip4(ip)) => Some(ip.is_loopback()),
        Some(Protocol::Ip6(ip)) => Some(ip.is_loopback()),
        Some(_) => Some(false),
        None => None,
    };
    listening.iter().find(|a| kind(a) == Some(false)).or_else(|| listening.iter().find(|a| kind(a) == Some(true))).cloned()
}

/// The peer identity kept in `path` (libp2p's protobuf encoding), made on
/// first use: a peer keeps its id, and so its registration, across restarts.
pub fn keypair(path: &Path) -> Result<Keypair, DataPlaneError> {
    match std::fs::read(path) {
        Ok(bytes) => Keypair::from_protobuf_encoding(&bytes)
            .map_err(|e| DataPlaneError::Transport(format!("peer key {}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = Keypair::generate_ed25519();
            let bytes = key.to_protobuf_encoding().map_err(|e| DataPlaneError::Transport(e.to_string()))?;
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, bytes)?;
            std::fs::rename(tmp, path)?;
            Ok(key)
        },
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_splits_into_its_peer_and_where_to_dial_and_joins_back() {
        let peer = PeerId::random();
        let dial: Multiaddr = "/ip4/10.0.0.7/tcp/30444".parse().unwrap();
        let full = join(peer, &dial);
        assert_eq!(split(&full), Some((peer, dial.clone())));
        assert_eq!(split(&dial), None, "no peer named");
        assert_eq!(Multiaddr::try_from(full.to_vec()).unwrap(), full, "the binary form the chain stores");
    }

    #[test]
    fn the_public_address_skips_unspecified_and_prefers_routable() {
        let a = |s: &str| -> Multiaddr { s.parse().unwrap() };
        let listening = [a("/ip4/0.0.0.0/tcp/1"), a("/ip4/127.0.0.1/tcp/1"), a("/ip4/172.18.0.5/tcp/1")];
        assert_eq!(public_address(&listening), Some(a("/ip4/172.18.0.5/tcp/1")));
        assert_eq!(public_address(&listening[..2]), Some(a("/ip4/127.0.0.1/tcp/1")));
        assert_eq!(public_address(&listening[..1]), None);
    }

    #[test]
    fn a_peer_keeps_its_identity_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("p2p").join("key");
        let first = keypair(&path).unwrap().public().to_peer_id();
        assert_eq!(keypair(&path).unwrap().public().to_peer_id(), first);
        std::fs::write(&path, b"garbage").unwrap();
        assert!(keypair(&path).unwrap_err().to_string().contains("peer key"));
    }
}
