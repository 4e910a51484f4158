"""Without a mouse: a supplier signs in, registers for an event and requests a one-to-one meeting
with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys, typing into the focused field).

Every stop on the way must show where the focus is (an outline or a ring) and be on screen, and
forms are walked top to bottom: the focus order follows the reading order.
"""

from __future__ import annotations

import re

from tests.e2e import scenes

# What a person sees of the focused element: its name as a screen reader would announce it (roughly),
# whether the focus indicator is drawn, and where it is.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  const labels = el.labels && el.labels.length ? [...el.labels].map(l => l.innerText).join(' ') : '';
  const name = (el.getAttribute('aria-label') || labels || el.innerText || el.value || '').trim();
  return {name: name.replace(/\\s+/g, ' '), tag: el.tagName.toLowerCase(), type: el.type || '',
          visible: ring || shadow, top: box.top + window.scrollY, left: box.left + window.scrollX,
          onScreen: box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth,
          inMain: !!el.closest('main')};
}"""


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.stops: list[dict] = []

    def focused(self) -> dict:
        return self.page.evaluate(_FOCUSED)

    def tab_to(self, name: str | re.Pattern, *, back: bool = False, limit: int = 60) -> dict:
        """Press Tab (or Shift+Tab) until the focused element's name matches; check every stop."""
        for _ in range(limit):
            self.page.keyboard.press("Shift+Tab" if back else "Tab")
            stop = self.focused()
            if stop is None:
                continue
            assert stop["visible"], f"no visible focus on {stop}"
            assert stop["onScreen"], f"focused element off screen: {stop}"
            self.stops.append(stop)
            if (name.search(stop["name"]) if isinstance(name, re.Pattern) else stop["name"] == name):
                return stop
        raise AssertionError(f"{name!r} not reached with {'Shift+Tab' if back else 'Tab'}; last stops: "
                             f"{[s['name'][:40] for s in self.stops[-limit:]]}")

    def skip_to_main(self) -> None:
        """The first Tab stop of every page jumps over the header to the content. (After a form
        sent from a page reached by the skip link, the browser keeps the #main of the address
        through the redirect, and the content has the focus already.)"""
        if self.page.url.endswith("#main"):
            # The browser moves the focus to #main once the page is shown; on a busy machine that can
            # come after this line, and a Tab pressed before it would start from the top of the page.
            self.page.wait_for_function("() => !!document.activeElement.closest('main')")
        if self.page.evaluate("() => !!document.activeElement.closest('main')"):
            return
        self.page.keyboard.press("Tab")
        assert self.focused()["name"] == "Skip to main content"
        self.page.keyboard.press("Enter")

    def walk_form(self, names: list[str | re.Pattern]) -> None:
        """Tab through a form's fields in order; each comes below (or beside) the one before."""
        start = len(self.stops)
        for name in names:
            self.tab_to(name, limit=12)
        visited = [s for s in self.stops[start:] if s["inMain"]]
        for before, after in zip(visited, visited[1:], strict=False):
            assert after["top"] >= before["top"] - 4, f"focus jumped up from {before['name']} to {after['name']}"

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)


def test_register_and_request_a_meeting_with_the_keyboard_only(page, server_app):
    event = scenes.meeting_event(server_app)
    person = scenes.supplier(server_app)
    keys = Keyboard(page)
    page.goto("/")

    keys.skip_to_main()
    keys.tab_to(event["title"])
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=event["title"], level=1).wait_for()
    keys.skip_to_main()
    keys.tab_to("Sign in to register")
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Sign in").wait_for()
    keys.skip_to_main()
    keys.tab_to("Email address")
    keys.type(person["email"])
    keys.tab_to("Password")
    keys.type(person["password"])
    page.keyboard.press("Enter")  # submits the form from its last field

    # Signed in, back where the person was going: choose the role with the arrow keys.
    page.get_by_role("heading", name=f"Register for {event['title']}").wait_for()
    keys.skip_to_main()
    # The role is preset from the kind of organisation (a manufacturer: supplier, or speaker); the checked radio
    # button takes the focus and the arrow keys move the choice within the group.
    keys.tab_to("Supplier")
    page.keyboard.press("ArrowDown")
    assert keys.focused()["name"] == "Speaker" and page.get_by_label("Speaker").is_checked()
    page.keyboard.press("ArrowUp")
    assert keys.focused()["name"] == "Supplier" and page.get_by_label("Supplier").is_checked()
    keys.tab_to("Continue")
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Register").wait_for()
    keys.skip_to_main()
    keys.walk_form(["List me in the participant list"])
    page.keyboard.press("Space")
    assert page.get_by_label("List me in the participant list").is_checked()
    keys.tab_to("Register")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Your registration").wait_for()
    assert page.get_by_role("definition").filter(has_text="confirmed").is_visible()

    keys.skip_to_main()
    keys.tab_to(f"Back to {event['title']}")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name=event["title"], level=1).wait_for()
    keys.skip_to_main()
    keys.tab_to("Request a meeting")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Buyers taking meetings").wait_for()
    keys.skip_to_main()
    keys.tab_to("Request a meeting with City of Malmö")
    page.keyboard.press("Enter")

    page.get_by_role("heading", name="Request a meeting with City of Malmö").wait_for()
    keys.skip_to_main()
    keys.walk_form(["Planned tender to discuss"])
    page.keyboard.press("ArrowDown")  # a closed select changes its value with the arrow keys
    assert page.get_by_label("Planned tender to discuss").evaluate("s => s.selectedOptions[0].text") \
        == scenes.MALMO_INTENT
    keys.walk_form(["Or a general topic", "Short agenda"])
    keys.type("Refurbished phones with seven years of spare parts.")
    keys.walk_form([re.compile("14:00")])
    page.keyboard.press("Space")
    keys.tab_to("Short agenda", back=True)  # back up to check the agenda before sending
    assert page.get_by_label("Short agenda").input_value().startswith("Refurbished phones")
    keys.tab_to("Send request")
    page.keyboard.press("Enter")

    page.get_by_role("status").filter(has_text="Your request is sent to City of Malmö").wait_for()
    assert page.get_by_role("definition").filter(has_text=f"Planned tender: {scenes.MALMO_INTENT}").is_visible()
    assert page.get_by_role("definition").filter(has_text="14:00").first.is_visible()
    assert len(keys.stops) > 20
    # The content took the focus through #main: it is not a control, so it is not framed.
    assert page.evaluate("() => getComputedStyle(document.querySelector('main')).outlineStyle") == "none"
