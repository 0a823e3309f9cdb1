//! Lists as streams: every list operation's builder (queryPosts, queryUsers,
//! ... : the operations with `x-pagination` in the spec) has `into_pages()`
//! and `into_items()`.
//!
//! A page is one call's whole typed answer; the stream sends the builder's
//! filters with every call and the previous answer's next token (the spec
//! says where: `paging.next`, sent back as `options[token]`) until an answer
//! has none. Pages are fetched one at a time as the stream is polled, never
//! ahead; dropping the stream stops. Each call is an ordinary call of the
//! operation: the client's retries, deadline, token and request checks apply
//! to every page.
//!
//! The stream ends with an error ([`PageError`]), after yielding it, when a
//! call fails (the error carries the token that page was asked with, to
//! resume from), when an answer's next token is one this stream has already
//! followed (a server loop), when more than [`MAX_EMPTY_PAGES`] pages in a
//! row have no items but a next token, or when the next token is not a
//! string. In the last three cases the page that showed it is yielded first.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::call::{Error, Response};
use futures_core::Stream;
use serde_json::Value;

use crate::decode::Answer;

/// How many pages in a row may have no items but a next token before the
/// stream ends with [`PageError::EmptyPages`].
pub const MAX_EMPTY_PAGES: usize = 10;

/// Why a stream of pages ended early. Yielded once, as the stream's last item.
#[derive(Debug)]
#[non_exhaustive]
pub enum PageError {
    /// The call for a page failed (a transport error, an error status, a
    /// request the client refused to send, ...).
    Call {
        /// The call's error, as the operation's `send` returns it.
        error: Error,
        /// The token that page was asked with (`None`: the first page).
        /// Set it on the builder to resume from that page.
        token: Option<String>,
    },
    /// An answer's next token was one this stream had followed already: the
    /// server would send the same pages again.
    RepeatedToken {
        /// The operationId, e.g. `queryPosts`.
        operation: &'static str,
        /// The token.
        token: String,
    },
    /// More than [`MAX_EMPTY_PAGES`] pages in a row had no items but a next
    /// token.
    EmptyPages {
        /// The operationId.
        operation: &'static str,
        /// How many empty pages came in a row.
        count: usize,
        /// The last empty page's next token, to resume from if you want more.
        token: String,
    },
    /// An answer's next token was not a string (a number, an object, ...).
    NextNotAString {
        /// The operationId.
        operation: &'static str,
        /// The value the answer had there, as sent.
        value: Value,
        /// The token the page with that answer was asked with.
        token: Option<String>,
    },
}

impl PageError {
    /// The token to resume from after a failed call: set it on a new
    /// builder with the same filters (`options_token(...)`) and call
    /// `into_pages()` again. `None` for the first page, and for the errors a
    /// retry would meet again (a repeated token, an unreadable next token);
    /// for [`PageError::EmptyPages`], the token past the empty pages.
    pub fn resume_token(&self) -> Option<&str> {
        match self {
            PageError::Call { token, .. } => token.as_deref(),
            PageError::EmptyPages { token, .. } => Some(token),
            PageError::RepeatedToken { .. } | PageError::NextNotAString { .. } => None,
        }
    }

    /// The failed call's error, for [`PageError::Call`].
    pub fn call_error(&self) -> Option<&Error> {
        match self {
            PageError::Call { error, .. } => Some(error),
            _ => None,
        }
    }
}

impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PageError::Call { error, token } => match token {
                Some(token) => write!(f, "the page asked with token `{token}` failed: {error}"),
                None => write!(f, "the first page failed: {error}"),
            },
            PageError::RepeatedToken { operation, token } => write!(
                f,
                "{operation}: the answer's next token `{token}` was followed already in this \
                 stream; the server would send the same pages again"
            ),
            PageError::EmptyPages {
                operation,
                count,
                token,
            } => write!(
                f,
                "{operation}: {count} pages in a row had no items but a next token; stopped \
                 before `{token}`"
            ),
            PageError::NextNotAString {
                operation, value, ..
            } => write!(
                f,
                "{operation}: the answer's next token is not a string: {value}"
            ),
        }
    }
}

impl std::error::Error for PageError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PageError::Call { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// How one list operation pages; codegen writes one per `x-pagination`.
pub(crate) struct Lister<B, P> {
    /// The operationId.
    pub(crate) operation: &'static str,
    /// Where the next token is in an answer, as a JSON pointer (`/paging/next`):
    /// an unfit value there is [`PageError::NextNotAString`].
    pub(crate) next_pointer: &'static str,
    /// The builder as the caller set it up: cloned for every page.
    pub(crate) first: B,
    /// Sets the token parameter on a builder.
    pub(crate) with_token: fn(B, String) -> B,
    /// The answer's next token.
    pub(crate) next: fn(&P) -> Option<&str>,
    /// How many items the answer has.
    pub(crate) count: fn(&P) -> usize,
}

/// One page's call, under way.
type Fetch<'a, P> = Pin<Box<dyn Future<Output = Result<Response<P>, Error>> + Send + 'a>>;

/// Every page of a list operation, one call each: a [`Stream`] of the typed
/// answers (`futures::StreamExt` has the combinators; [`Pages::next`] and
/// [`Pages::try_collect`] need no other crate).
//
// A hand-written state machine over one boxed call, not `async` blocks and
// stream combinators: those are compiled again for every list operation,
// and cost the crate's build more than a second.
pub struct Pages<'a, P> {
    /// Starts the call for the page asked with a token (`None`: the builder's own).
    fetch: Box<dyn Fn(Option<String>) -> Fetch<'a, P> + Send + 'a>,
    next: fn(&P) -> Option<&str>,
    count: fn(&P) -> usize,
    operation: &'static str,
    next_pointer: &'static str,
    cursor: Cursor,
    in_flight: Option<Fetch<'a, P>>,
}

impl<P> fmt::Debug for Pages<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("operation", &self.operation)
            .finish_non_exhaustive()
    }
}

/// Where a stream of pages stands between two pages.
#[derive(Default)]
struct Cursor {
    /// The token the next page is asked with (`None`: the builder's own).
    token: Option<String>,
    seen: HashSet<String>,
    empty_run: usize,
    /// The error to yield next, after the page that showed it.
    pending: Option<Ending>,
    done: bool,
}

enum Ending {
    Repeated(String),
    Empty(usize, String),
    NotAString(Value, Option<String>),
}

impl Cursor {
    /// Reads a page's next token (`unfit`: the value at the token's place
    /// when it was not a string) and item count: where the stream goes
    /// next, or why it ends.
    fn step(&mut self, unfit: Option<Value>, next: Option<&str>, count: usize) {
        let asked_with = self.token.take();
        if let Some(value) = unfit {
            self.pending = Some(Ending::NotAString(value, asked_with));
            return;
        }
        let Some(next) = next else {
            self.done = true;
            return;
        };
        let next = next.to_owned();
        if !self.seen.insert(next.clone()) {
            self.pending = Some(Ending::Repeated(next));
            return;
        }
        if count == 0 {
            self.empty_run += 1;
            if self.empty_run > MAX_EMPTY_PAGES {
                self.pending = Some(Ending::Empty(self.empty_run, next));
                return;
            }
        } else {
            self.empty_run = 0;
        }
        self.token = Some(next);
    }
}

impl<'a, P> Pages<'a, P>
where
    P: Answer + Send + 'a,
{
    /// The stream of `lister`'s pages, each fetched with `send`.
    pub(crate) fn new<B, S, F>(lister: Lister<B, P>, send: S) -> Self
    where
        B: Clone + Send + 'a,
        S: Fn(B) -> F + Send + 'a,
        F: Future<Output = Result<Response<P>, Error>> + Send + 'a,
    {
        let Lister {
            operation,
            next_pointer,
            first,
            with_token,
            next,
            count,
        } = lister;
        let fetch = move |token: Option<String>| -> Fetch<'a, P> {
            let mut builder = first.clone();
            if let Some(token) = token {
                builder = with_token(builder, token);
            }
            Box::pin(send(builder))
        };
        Pages {
            fetch: Box::new(fetch),
            next,
            count,
            operation,
            next_pointer,
            cursor: Cursor::default(),
            in_flight: None,
        }
    }

    /// The next page; `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<P, PageError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every page into a `Vec`, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<P>, PageError> {
        let mut pages = Vec::new();
        while let Some(page) = self.next().await {
            pages.push(page?);
        }
        Ok(pages)
    }

    /// The pages' items, one at a time: `items` takes them out of a page.
    pub(crate) fn into_items<T: Send + 'a>(self, items: fn(P) -> Vec<T>) -> PageItems<'a, T> {
        PageItems {
            pages: Box::pin(ItemsOf { pages: self, items }),
            buffer: Vec::new().into_iter(),
        }
    }
}

impl<P: Answer> Stream for Pages<'_, P> {
    type Item = Result<P, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.cursor.done {
            return Poll::Ready(None);
        }
        let operation = this.operation;
        if let Some(ending) = this.cursor.pending.take() {
            this.cursor.done = true;
            let error = match ending {
                Ending::Repeated(token) => PageError::RepeatedToken { operation, token },
                Ending::Empty(count, token) => PageError::EmptyPages {
                    operation,
                    count,
                    token,
                },
                Ending::NotAString(value, token) => PageError::NextNotAString {
                    operation,
                    value,
                    token,
                },
            };
            return Poll::Ready(Some(Err(error)));
        }
        let call = this
            .in_flight
            .get_or_insert_with(|| (this.fetch)(this.cursor.token.clone()));
        let Poll::Ready(result) = call.as_mut().poll(cx) else {
            return Poll::Pending;
        };
        this.in_flight = None;
        match result {
            Err(error) => {
                this.cursor.done = true;
                let token = this.cursor.token.take();
                Poll::Ready(Some(Err(PageError::Call { error, token })))
            }
            Ok(page) => {
                let page = page.into_inner();
                let unfit = page
                    .unfit()
                    .iter()
                    .find(|unfit| unfit.path == this.next_pointer)
                    .map(|unfit| unfit.value.clone());
                this.cursor
                    .step(unfit, (this.next)(&page), (this.count)(&page));
                Poll::Ready(Some(Ok(page)))
            }
        }
    }
}

/// A stream of pages as a stream of each page's items.
struct ItemsOf<'a, P, T> {
    pages: Pages<'a, P>,
    items: fn(P) -> Vec<T>,
}

impl<P: Answer, T> Stream for ItemsOf<'_, P, T> {
    type Item = Result<Vec<T>, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        match Pin::new(&mut this.pages).poll_next(cx) {
            Poll::Ready(Some(Ok(page))) => Poll::Ready(Some(Ok((this.items)(page)))),
            Poll::Ready(Some(Err(error))) => Poll::Ready(Some(Err(error))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The items of each page, a `Vec` a page, whatever the page type.
type PageBatches<'a, T> = Pin<Box<dyn Stream<Item = Result<Vec<T>, PageError>> + Send + 'a>>;

/// Every item of every page of a list operation: a [`Stream`] of items
/// ([`PageItems::next`] and [`PageItems::try_collect`] need no other crate).
/// Pages are fetched as the items run out, never ahead.
pub struct PageItems<'a, T> {
    pages: PageBatches<'a, T>,
    /// The rest of the current page's items.
    buffer: std::vec::IntoIter<T>,
}

// Nothing of it is pinned in place: the items are moved out, never polled.
impl<T> Unpin for PageItems<'_, T> {}

impl<T> fmt::Debug for PageItems<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PageItems").finish_non_exhaustive()
    }
}

impl<'a, T: Send + 'a> PageItems<'a, T> {
    /// The next item; `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<T, PageError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item into a `Vec`, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<T>, PageError> {
        let mut items = Vec::new();
        while let Some(item) = self.next().await {
            items.push(item?);
        }
        Ok(items)
    }
}

impl<T> Stream for PageItems<'_, T> {
    type Item = Result<T, PageError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.next() {
                return Poll::Ready(Some(Ok(item)));
            }
            // The spent page's allocation goes before the next page comes.
            if this.buffer.as_slice().is_empty() {
                this.buffer = Vec::new().into_iter();
            }
            match this.pages.as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(items))) => this.buffer = items.into_iter(),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}
