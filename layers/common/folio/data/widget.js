/*! folio chat widget (MIT licence). No dependencies; served by folio at /widget.js, or copy it to any CDN.
 *
 *   <script src="https://FOLIO/widget.js" data-endpoint="https://FOLIO" defer></script>
 *
 * or, after loading this file with data-mount="none":  <folio-chat endpoint="https://FOLIO"></folio-chat>
 * Options (data-* on the script, plain attributes on the element): endpoint, heading, welcome,
 * placeholder, position ("right" or "left"). Theme: the --folio-* custom properties (docs/frontend.md).
 *
 * Everything the server sends is untrusted (an LLM's words, the documents' titles): it is written
 * with text nodes only, and only an http(s) URL becomes a link.
 */
(() => {
  "use strict";
  const TAG = "folio-chat";
  if (!window.customElements || customElements.get(TAG)) return;
  const script = document.currentScript;
  const NS = "http://www.w3.org/2000/svg";
  const ICONS = {
    chat: "M4 5h16v11H9l-5 4z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M4 12l16-8-6 16-2-6z",
    thumb: "M7 11v9H4v-9zm0 0l4-7a2.5 2.5 0 0 1 2.5 2.5V9h5a2 2 0 0 1 2 2.3l-1.2 6.9A2 2 0 0 1 17.3 20H7",
  };
  const CSS = `
:host{--a:var(--folio-accent,#2553c9);--af:var(--folio-accent-text,#fff);--bg:var(--folio-background,#fff);
--fg:var(--folio-text,#1d2024);--mu:var(--folio-muted,#5c636e);--bd:var(--folio-border,#d5d9df);
--bt:var(--folio-answer-background,#eff1f4);--er:var(--folio-error,#b42318);--r:var(--folio-radius,14px);
--o:var(--folio-offset,20px);--z:var(--folio-z-index,2147483000)}
@media (prefers-color-scheme:dark){:host{--a:var(--folio-accent,#8ab0ff);--af:var(--folio-accent-text,#0b1020);
--bg:var(--folio-background,#17191d);--fg:var(--folio-text,#e8eaed);--mu:var(--folio-muted,#a4aab4);
--bd:var(--folio-border,#3a3f47);--bt:var(--folio-answer-background,#24272d);--er:var(--folio-error,#ffb4ab)}}
.w{all:initial;color-scheme:light dark;color:var(--fg);
font:var(--folio-font-size,15px)/1.45 var(--folio-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif)}
*,*::before,*::after{box-sizing:border-box}
button,textarea{font:inherit;color:inherit;margin:0}
button{cursor:pointer}
:focus-visible{outline:2px solid var(--a);outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.bubble{position:fixed;right:var(--o);bottom:var(--o);z-index:var(--z);width:56px;height:56px;border:0;border-radius:50%;
background:var(--a);color:var(--af);display:grid;place-items:center;box-shadow:0 4px 14px rgba(0,0,0,.25);transition:transform .15s ease}
.bubble:hover{transform:scale(1.06)}
.panel{position:fixed;right:var(--o);bottom:calc(var(--o) + 68px);z-index:var(--z);display:flex;flex-direction:column;
width:min(var(--folio-width,380px),calc(100vw - 2 * var(--o)));height:min(var(--folio-height,560px),calc(100vh - var(--o) - 96px));
background:var(--bg);color:var(--fg);border:1px solid var(--bd);border-radius:var(--r);box-shadow:0 12px 40px rgba(0,0,0,.25);
opacity:0;transform:translateY(12px);visibility:hidden;transition:opacity .2s ease,transform .2s ease,visibility 0s linear .2s}
.panel.open{opacity:1;transform:none;visibility:visible;transition-delay:0s}
:host([position=left]) .bubble,:host([position=left]) .panel{right:auto;left:var(--o)}
header{display:flex;align-items:center;gap:8px;padding:10px 10px 10px 16px;border-bottom:1px solid var(--bd)}
h2{flex:1;margin:0;font-size:1.05em;font-weight:600}
.new{background:none;border:1px solid var(--bd);border-radius:999px;padding:3px 10px;font-size:.85em}
.x{background:none;border:0;padding:4px;border-radius:8px;display:grid}
.log{flex:1;overflow-y:auto;padding:14px 16px;display:flex;flex-direction:column;gap:10px;scroll-behavior:smooth}
.msg{margin:0;max-width:88%;padding:9px 12px;border-radius:var(--r);overflow-wrap:anywhere}
.me{align-self:flex-end;background:var(--a);color:var(--af);white-space:pre-wrap}
.bot{align-self:flex-start;background:var(--bt)}
.text{white-space:pre-wrap}
a{color:var(--a)}
.cite{font-size:.8em;vertical-align:super;line-height:0;text-decoration:none}
.src{margin:8px 0 0;padding:8px 0 0 22px;border-top:1px solid var(--bd);font-size:.85em}
.sec,small,.fbm{color:var(--mu)}
small{display:block;font-size:.75em;margin-top:4px}
.err{border:1px solid var(--er)}
.problem{margin:0;color:var(--er)}
.fb{display:flex;align-items:center;gap:4px;margin-top:6px}
.thumb{background:none;border:1px solid transparent;border-radius:8px;padding:3px;color:var(--mu);display:grid}
.thumb svg{width:18px;height:18px}
.down svg{transform:rotate(180deg)}
.thumb[aria-pressed=true]{color:var(--a);border-color:var(--a)}
.fbm{font-size:.8em}
.dots{display:inline-flex;gap:4px;padding:4px 0}
.dots i{width:6px;height:6px;border-radius:50%;background:var(--mu);animation:folio-pulse 1s ease-in-out infinite}
.dots i:nth-child(2){animation-delay:.15s}
.dots i:nth-child(3){animation-delay:.3s}
@keyframes folio-pulse{50%{opacity:.25}}
.ask{display:flex;gap:8px;padding:10px;border-top:1px solid var(--bd)}
textarea{flex:1;resize:none;min-height:42px;border:1px solid var(--bd);border-radius:10px;padding:8px 10px;background:var(--bg)}
textarea::placeholder{color:var(--mu)}
.send{border:0;border-radius:10px;background:var(--a);color:var(--af);width:44px;display:grid;place-items:center}
.send:disabled{opacity:.5;cursor:default}
@media (max-width:480px){.panel{inset:0;width:auto;height:auto;border:0;border-radius:0}.open+.bubble{display:none}}
@media (prefers-reduced-motion:reduce){.panel,.bubble{transition:none}.dots i{animation:none}.log{scroll-behavior:auto}}
`;
  let sheet = null; // one constructed stylesheet for every instance (no <style>: nothing for a host's style-src)

  const h = (tag, attrs = {}, ...children) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) if (value != null) node.setAttribute(name, value);
    node.append(...children); // strings become text nodes: nothing here is parsed as HTML
    return node;
  };

  const icon = (name) => {
    const svg = document.createElementNS(NS, "svg");
    const path = document.createElementNS(NS, "path");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    path.setAttribute("d", ICONS[name]);
    svg.append(path);
    return svg;
  };

  // A link only for http(s): a javascript:, data: or mailto: URL (or an empty one) stays text.
  const safeUrl = (url) => {
    if (typeof url !== "string" || !url.trim()) return null;
    try {
      const parsed = new URL(url, document.baseURI);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch {
      return null;
    }
  };

  const newTab = (href, label, ...children) =>
    h("a", { href, target: "_blank", rel: "noopener noreferrer", "aria-label": label }, ...children);

  const UNAVAILABLE = "The assistant is not available right now. Please try again later.";

  // What a visitor reads for an error: the server's sentence for a person where it has one.
  const describe = (status, error = {}, retryAfter = null, again = "ask again") => {
    const generic = status >= 500 || status === 401 || status === 403 || /^(internal_error|unavailable)$/.test(error.code);
    let text = generic || !error.message ? UNAVAILABLE : error.message;
    const wait = Number(retryAfter);
    if (status === 429 && wait > 0) {
      const at = new Date(Date.now() + wait * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      text += wait < 90 ? ` You can ${again} in ${Math.ceil(wait)} seconds.` : ` You can ${again} at ${at}.`;
    }
    return { text, ref: error.request_id };
  };

  // Server-Sent Events from a fetch body (EventSource cannot POST): calls on(name, data) per event.
  const readEvents = async (body, on) => {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let name = "";
    let data = [];
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      const lines = buffer.split(/\r\n|\n|\r(?!$)/); // a trailing \r may be the first half of \r\n
      buffer = lines.pop();
      for (const line of lines) {
        if (!line) {
          if (data.length) on(name || "message", JSON.parse(data.join("\n")));
          name = "";
          data = [];
        } else if (line[0] !== ":") {
          const colon = line.indexOf(":");
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") name = value;
          else if (field === "data") data.push(value);
        }
      }
    }
  };

  // The answer's text with each [n] a link to source n (when its URL is http(s)).
  const cited = (answer, sources) => {
    const byNumber = new Map(sources.map((s) => [s.n, s]));
    return answer.split(/(\[\d+\])/).map((piece, i) => {
      const source = i % 2 ? byNumber.get(Number(piece.slice(1, -1))) : null;
      const href = source && safeUrl(source.url);
      return href ? h("a", { class: "cite", href, target: "_blank", rel: "noopener noreferrer",
        "aria-label": `Source ${source.n}: ${source.title}` }, piece) : piece;
    });
  };

  const sourceList = (sources) =>
    h("ol", { class: "src", "aria-label": "Sources" }, ...sources.map((s) => {
      const title = s.title || `Source ${s.n}`;
      const href = safeUrl(s.url);
      const section = s.section && s.section !== s.title ? h("span", { class: "sec" }, ` — ${s.section}`) : "";
      return h("li", { value: String(s.n) }, href ? newTab(href, null, title) : h("span", {}, title), section);
    }));

  class FolioChat extends HTMLElement {
    connectedCallback() {
      if (this.shadowRoot) return;
      const root = this.attachShadow({ mode: "open" });
      if ("adoptedStyleSheets" in root && "replaceSync" in CSSStyleSheet.prototype) {
        if (!sheet) {
          sheet = new CSSStyleSheet();
          sheet.replaceSync(CSS);
        }
        root.adoptedStyleSheets = [sheet];
      } else {
        root.append(h("style", {}, CSS)); // older browsers: needs style-src 'unsafe-inline' under a CSP
      }
      const option = (name, fallback) => this.getAttribute(name) || fallback;
      this.endpoint = this.resolve(option("endpoint", script && script.src ? new URL(".", script.src).href : ""));
      this.key = `folio-session:${this.endpoint}`;
      this.welcomeText = option("welcome", "Hi! Ask me about my work, studies and projects. Answers come from my own documents, with their sources.");
      this.controller = null;

      this.bubble = h("button", { class: "bubble", type: "button", "aria-label": "Open chat", "aria-expanded": "false",
        "aria-controls": "panel", "aria-haspopup": "dialog" }, icon("chat"));
      this.log = h("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": "Conversation", tabindex: "0" });
      this.status = h("p", { class: "sr", role: "status" });
      this.input = h("textarea", { id: "question", rows: "2", maxlength: "500", placeholder: option("placeholder", "Ask a question…") });
      this.send = h("button", { class: "send", type: "submit", "aria-label": "Send" }, icon("send"));
      const form = h("form", { class: "ask" }, h("label", { class: "sr", for: "question" }, "Your question"), this.input, this.send);
      const restart = h("button", { class: "new", type: "button" }, "New conversation");
      const close = h("button", { class: "x", type: "button", "aria-label": "Close chat" }, icon("close"));
      this.panel = h("section", { id: "panel", class: "panel", role: "dialog", "aria-modal": "false", "aria-labelledby": "heading" },
        h("header", {}, h("h2", { id: "heading" }, option("heading", "Ask about me")), restart, close), this.log, form, this.status);
      root.append(h("div", { class: "w" }, this.panel, this.bubble));

      this.bubble.addEventListener("click", () => this.toggle(!this.panel.classList.contains("open")));
      close.addEventListener("click", () => this.toggle(false));
      restart.addEventListener("click", () => this.restart());
      this.panel.addEventListener("keydown", (e) => {
        if (e.key === "Escape") {
          e.stopPropagation();
          this.toggle(false);
        }
      });
      form.addEventListener("submit", (e) => {
        e.preventDefault();
        this.submit();
      });
      this.input.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
          e.preventDefault();
          this.submit();
        }
      });
      this.welcome();
    }

    disconnectedCallback() {
      if (this.controller) this.controller.abort();
    }

    // folio's base URL: absolute, or relative to the page; "" (not set up) for anything else.
    resolve(url) {
      try {
        const parsed = new URL(url, document.baseURI);
        if (url && /^https?:$/.test(parsed.protocol)) return (parsed.origin + parsed.pathname).replace(/\/+$/, "");
      } catch {
        // not a URL: said in the panel
      }
      return "";
    }

    toggle(open) {
      this.panel.classList.toggle("open", open);
      this.bubble.setAttribute("aria-expanded", String(open));
      this.bubble.setAttribute("aria-label", open ? "Close chat" : "Open chat");
      (open ? this.input : this.bubble).focus();
    }

    welcome() {
      this.add(h("p", { class: "msg bot" }, this.endpoint ? this.welcomeText : "This chat is not set up: it has no endpoint."));
      this.send.disabled = !this.endpoint;
    }

    add(node) {
      this.log.append(node);
      this.log.scrollTop = this.log.scrollHeight;
      return node;
    }

    session() {
      try {
        return sessionStorage.getItem(this.key);
      } catch {
        return null; // storage disabled: every question starts a conversation
      }
    }

    remember(id) {
      try {
        if (id) sessionStorage.setItem(this.key, id);
      } catch {
        // storage disabled
      }
    }

    forget() {
      try {
        sessionStorage.removeItem(this.key);
      } catch {
        // storage disabled
      }
    }

    restart() {
      if (this.controller) this.controller.abort();
      this.forget();
      this.log.replaceChildren();
      this.welcome();
      this.status.textContent = "New conversation started.";
      this.input.focus();
    }

    submit() {
      const text = this.input.value.trim();
      if (!text || this.controller || !this.endpoint) return;
      this.input.value = "";
      this.add(h("p", { class: "msg me" }, text));
      this.ask(text, true);
    }

    async ask(text, mayRetry) {
      const controller = (this.controller = new AbortController());
      this.send.disabled = true;
      const answer = this.answer();
      const session = this.session();
      try {
        let response;
        try {
          response = await fetch(`${this.endpoint}/api/chat`, {
            method: "POST",
            headers: { "content-type": "application/json", accept: "text/event-stream" },
            body: JSON.stringify(session ? { message: text, session_id: session } : { message: text }),
            credentials: "omit",
            signal: controller.signal,
          });
        } catch (e) {
          if (e.name !== "AbortError") answer.fail({ text: "The chat could not be reached. Check your connection and try again." });
          return;
        }
        if (!response.ok) {
          const error = (await response.json().catch(() => ({}))).error || {};
          if (mayRetry && session && /^(invalid_session|session_expired)$/.test(error.code)) {
            this.forget();
            answer.node.remove();
            this.add(h("p", { class: "msg bot" }, "Your earlier conversation had ended, so this question starts a new one."));
            this.controller = null;
            await this.ask(text, false);
            return;
          }
          answer.fail(describe(response.status, error, response.headers.get("retry-after")));
          return;
        }
        if ((response.headers.get("content-type") || "").startsWith("text/event-stream")) {
          await readEvents(response.body, (name, data) => answer.on(name, data));
        } else {
          answer.on("done", await response.json()); // a server or proxy that answered JSON instead
        }
        answer.end();
      } catch (e) {
        if (e.name !== "AbortError") answer.fail({ text: "The answer could not be read. Please ask again." });
      } finally {
        if (this.controller === controller) {
          this.controller = null;
          this.send.disabled = false;
        }
      }
    }

    // One answer in the log: dots, then the streamed text, then the final answer with its sources.
    answer() {
      const text = h("div", { class: "text" });
      const streamed = document.createTextNode("");
      const dots = h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i"));
      const pending = h("span", { class: "sr" }, "Answering…");
      const node = this.add(h("div", { class: "msg bot", "aria-busy": "true" }, pending, dots, text));
      text.append(streamed);
      let finished = false;
      const settle = () => {
        finished = true;
        pending.remove();
        dots.remove();
        node.setAttribute("aria-busy", "false");
      };
      const chat = this;
      return {
        node,
        on(name, data) {
          if (finished) return;
          if (name === "sources") chat.remember(data.session_id);
          else if (name === "token") {
            dots.remove();
            streamed.appendData(String(data.text ?? ""));
            chat.log.scrollTop = chat.log.scrollHeight;
          } else if (name === "error") this.fail(describe(0, data.error));
          else if (name === "done") {
            if (data.error) return this.fail(describe(0, data.error));
            const sources = Array.isArray(data.sources) ? data.sources : [];
            const shown = cited(String(data.answer ?? ""), sources);
            chat.remember(data.session_id);
            settle();
            text.replaceChildren(...shown);
            if (sources.length) node.append(sourceList(sources));
            if (data.answer_id) node.append(chat.thumbs(data));
            chat.log.scrollTop = chat.log.scrollHeight;
          }
        },
        fail({ text: message, ref }) {
          if (finished) return;
          settle();
          text.remove();
          node.classList.add("err");
          node.append(h("p", { class: "problem" }, message));
          if (ref) node.append(h("small", {}, `Reference: ${ref}`));
        },
        end() {
          this.fail({ text: "The answer was cut short. Please ask again." }); // a no-op after done
        },
      };
    }

    // Thumbs up and down on one answer. folio keeps the latest vote on an answer, so a visitor
    // may change their mind; a vote folio refused (a 429, say) is told and undone.
    thumbs(answer) {
      const note = h("span", { class: "fbm", role: "status" });
      const group = h("div", { class: "fb", role: "group", "aria-label": "Was this answer helpful?" });
      let sending = false;
      const press = (chosen) => buttons.forEach((b) => b.setAttribute("aria-pressed", String(b === chosen)));
      const buttons = [["up", "Helpful"], ["down", "Not helpful"]].map(([rating, label]) => {
        const button = h("button", { class: `thumb ${rating}`, type: "button", "aria-label": label, title: label, "aria-pressed": "false" }, icon("thumb"));
        button.addEventListener("click", async () => {
          if (sending || button.getAttribute("aria-pressed") === "true") return;
          sending = true;
          const before = buttons.find((b) => b.getAttribute("aria-pressed") === "true");
          press(button);
          try {
            note.textContent = await this.rate(answer, rating);
          } catch (problem) {
            press(before);
            note.textContent = problem.text || "Your feedback could not be sent. Please try again.";
          }
          sending = false;
        });
        return button;
      });
      group.append(...buttons, note);
      return group;
    }

    async rate(answer, rating) {
      const response = await fetch(`${this.endpoint}/api/feedback`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ session_id: answer.session_id, answer_id: answer.answer_id, rating }),
        credentials: "omit",
      });
      if (!response.ok) {
        const error = (await response.json().catch(() => ({}))).error || {};
        throw describe(response.status, error, response.headers.get("retry-after"), "send feedback again");
      }
      return "Thanks for your feedback.";
    }
  }

  customElements.define(TAG, FolioChat);

  if (script && script.dataset.mount !== "none") {
    const mount = () => {
      if (document.querySelector(TAG)) return;
      const chat = document.createElement(TAG);
      for (const name of ["endpoint", "heading", "welcome", "placeholder", "position"]) {
        if (script.dataset[name]) chat.setAttribute(name, script.dataset[name]);
      }
      document.body.append(chat);
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount);
    else mount();
  }
})();
