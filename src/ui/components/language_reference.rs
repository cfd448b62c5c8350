//! The program language's reference, one click from the editor: a button and a modal
//! `<dialog>` (keyboard-reachable; Escape or its Close button shuts it, and the browser gives
//! the focus back to the button). Its text is generated from the parser's own table
//! ([`crate::reference`]) into a file beside the page, fetched on the first press (so it is
//! not in the page's wasm); the dialog opens once the text is in. If the fetch fails, the
//! dialog says why, and the next press asks again.

use web_sys::HtmlDialogElement;
use yew::prelude::*;

use crate::ui::markup::raw;

/// The "Program language reference" button and its dialog.
#[component]
pub fn LanguageReference() -> Html {
    let dialog = use_node_ref();
    // The fetched text, or why the fetch failed; `wanted`: open the dialog once it is in.
    let text = use_state(|| None::<Result<String, String>>);
    let wanted = use_mut_ref(|| false);
    {
        let (dialog, text, wanted) = (dialog.clone(), text.clone(), wanted.clone());
        use_effect(move || {
            if text.is_some()
                && wanted.replace(false)
                && let Some(d) = dialog.cast::<HtmlDialogElement>()
            {
                let _ = d.show_modal();
            }
        });
    }
    let on_open = {
        let (text, wanted, redraw) = (text.clone(), wanted.clone(), use_force_update());
        Callback::from(move |_: MouseEvent| {
            *wanted.borrow_mut() = true;
            if matches!(*text, Some(Ok(_))) {
                return redraw.force_update();
            }
            let text = text.clone();
            yew::platform::spawn_local(
                async move { text.set(Some(crate::ui::fetch::text(crate::reference::FILE).await)) },
            );
        })
    };
    let contents = match &*text {
        Some(Ok(markup)) => raw(markup.clone()),
        Some(Err(why)) => html! {
            <>
                <h2 class="panel-title" id="reference-title">{ "The program language" }</h2>
                <p class="error" role="alert" data-testid="reference-error">
                    { format!("The reference could not be fetched ({why}). Close this and press the button again to retry.") }
                </p>
                <form method="dialog"><button>{ "Close (Esc)" }</button></form>
            </>
        },
        None => Html::default(),
    };
    html! {
        <>
            <button type="button" class="link-button" data-testid="btn-language" onclick={on_open}
                aria-haspopup="dialog" title="Every instruction of the program language, with an example">
                { "Program language reference" }
            </button>
            <dialog class="reference" data-testid="language-reference" ref={dialog} aria-labelledby="reference-title">
                { contents }
            </dialog>
        </>
    }
}
