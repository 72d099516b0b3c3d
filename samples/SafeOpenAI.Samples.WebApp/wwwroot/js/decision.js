// Shows a held answer's decision without a reload: every pending entry asks the decision endpoint,
// which waits a bounded time (WebApp:DecisionWaitSeconds) and answers 204 while the answer is still
// held, or the entry's new HTML once a reviewer on any instance has decided. Without this script the
// page still shows the decision after a reload.
"use strict";

(function () {
    const retryAfterErrorMs = 5000;

    function sleep(ms) {
        return new Promise(function (resolve) { setTimeout(resolve, ms); });
    }

    function replaceEntry(entry, html) {
        // Server-rendered Razor output: model text is HTML-encoded there, and the page's
        // Content-Security-Policy runs no inline script.
        const template = document.createElement("template");
        template.innerHTML = html.trim();
        const updated = template.content.firstElementChild;
        if (updated && updated.matches("li[data-testid=chat-entry]")) {
            entry.replaceWith(updated);
            return true;
        }
        return false;
    }

    async function follow(entry, url) {
        while (entry.isConnected) {
            let response;
            try {
                response = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "Accept": "text/html" } });
            } catch {
                await sleep(retryAfterErrorMs);
                continue;
            }
            if (response.status === 204) {
                continue;
            }
            if (response.status === 200 && replaceEntry(entry, await response.text())) {
                return;
            }
            if (response.status === 404) {
                return;
            }
            await sleep(retryAfterErrorMs);
        }
    }

    for (const notice of document.querySelectorAll("li[data-status=PendingReview] [data-decision-url]")) {
        follow(notice.closest("li"), notice.getAttribute("data-decision-url"));
    }
})();
