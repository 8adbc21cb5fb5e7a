"""Playwright in Debian's Chromium: log in and see the home page (axe-checked)."""

import pytest

from ipgar import demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_director_logs_in_and_sees_the_home_page(page, browser_login, axe):
    demo.seed()
    browser_login(page, "r-oov-1")
    assert page.title().startswith("Start")
    assert page.get_by_role("heading", level=1).inner_text() == "Welkom, Sanne"
    axe(page)
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Welcome, Sanne"
    axe(page)
