// SPDX-License-Identifier: GPL-2.0

//! Where the driver is in a ring it shares with the device.
//!
//! The admin queues and the AENQ mark new entries with a phase bit instead
//! of a count: entries written during one pass over a ring carry the same
//! phase, which flips at each wrap. The driver's position in such a ring is
//! an index and the phase of the pass it is in.

/// A position in a ring of `depth` entries (a power of 2).
#[derive(Clone, Copy)]
pub(crate) struct RingPos {
    /// Entries passed since the start, wrapping at 16 bits.
    pub(crate) index: u16,
    /// The phase of entries in the current pass.
    pub(crate) phase: u8,
}

impl RingPos {
    /// Index 0, in the first pass (phase 1: the zeroed ring holds none).
    pub(crate) const START: Self = Self { index: 0, phase: 1 };

    /// The slot of the ring the position is at.
    pub(crate) fn slot(self, depth: u16) -> usize {
        usize::from(self.index % depth)
    }

    /// Moves one entry on; the phase flips at each wrap.
    pub(crate) fn advance(&mut self, depth: u16) {
        self.index = self.index.wrapping_add(1);
        if self.index % depth == 0 {
            self.phase ^= 1;
        }
    }
}
