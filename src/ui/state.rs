//! The reducers held by the page, for `use_reducer`: the playback
//! ([`crate::playback::Playback`], plus loading a new run) and the page's state
//! ([`crate::page::PageState`]).

use std::rc::Rc;

use yew::Reducible;

use crate::page::{PageAction, PageState};
use crate::playback::{Action, Playback};

/// What the page can do to the playback state.
pub enum PlayerAction {
    /// A playback action (play, step, seek, tick…).
    Do(Action),
    /// A new run was loaded: start over with this playback (cursor at 0, paused), keeping the
    /// speed the user chose.
    Load(Playback),
}

/// The playback state held by the page.
#[derive(Clone, Debug, PartialEq)]
pub struct PlayerState(pub Playback);

impl Reducible for PlayerState {
    type Action = PlayerAction;

    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        match action {
            PlayerAction::Load(p) => Rc::new(PlayerState(self.0.reloaded(p))),
            PlayerAction::Do(a) => {
                let mut next = self.0.clone();
                next.apply(a);
                if next == self.0 { self } else { Rc::new(PlayerState(next)) }
            }
        }
    }
}

/// The page's state held by the page.
#[derive(Clone, Debug, PartialEq)]
pub struct PageStore(pub PageState);

impl Reducible for PageStore {
    type Action = PageAction;

    fn reduce(self: Rc<Self>, action: PageAction) -> Rc<Self> {
        let mut next = self.0.clone();
        next.apply(action);
        if next == self.0 { self } else { Rc::new(PageStore(next)) }
    }
}
