"""A person using the site's pages in a browser: signs in or up, then browses and uploads.

Each visit step is picked at random: the history (paginated), a submission, the map
(panning and zooming through the sightings API), the home page, or, at the share
--upload-share, an upload through the upload page followed by the submission page
polling its status, as its script does. Static files are fetched once per person,
as a browser caches them.
"""

import random
import re

from locust import task
from locust.contrib.fasthttp import FastHttpUser

import helpers
from photos import photo_set

SUBMISSION_LINK = re.compile(r'href="(/submissions/[0-9a-f-]{36}/)"')
LAST_PAGE = re.compile(r"Page \d+ of (\d+)")
PHOTOS = photo_set(12, seed=1)


class Visitor(FastHttpUser):
    weight = 4
    wait_time = helpers.paced_wait

    def on_start(self) -> None:
        self.cached: set[str] = set()
        self.submissions: list[str] = []
        self.pages = 1
        how, account = helpers.arrival(self.environment.parsed_options)
        if account is None:
            self._sign_up()
        elif how == "sign in":
            self._sign_in(account["username"], account["password"])
        else:
            helpers.session_cookie(self.client, self.host, account["sessionid"])

    @task
    def visit(self) -> None:
        if random.random() < self.environment.parsed_options.upload_share:
            self.upload()
            return
        step = random.choices(
            [self.history, self.submission, self.map, self.home], weights=[4, 3, 3, 1]
        )[0]
        step()

    def history(self) -> None:
        page = random.randint(1, self.pages)
        html = self._page(f"/submissions/?page={page}", "/submissions/?page=N")
        if last := LAST_PAGE.search(html):
            self.pages = int(last.group(1))
        self.submissions = SUBMISSION_LINK.findall(html) or self.submissions

    def submission(self) -> None:
        if not self.submissions:
            self.history()
        if self.submissions:
            self._page(random.choice(self.submissions), "/submissions/[id]/")

    def map(self) -> None:
        self._page("/map/", "/map/")
        helpers.map_session(self.client)

    def home(self) -> None:
        self._page("/", "/")

    def upload(self) -> None:
        url = "/submissions/new/"
        html = self._page(url, url)
        fields = {"csrfmiddlewaretoken": helpers.csrf_token(html), "geoprivacy": "obscured"}
        body, content_type = helpers.multipart_body(fields, "photo.jpg", random.choice(PHOTOS))
        headers = {"Content-Type": content_type, "Accept": "application/json", **self._referer(url)}
        post = self.client.post(
            url, data=body, headers=headers, name="upload (page)",
            catch_response=True,
        )  # fmt: skip
        with post as response:
            if not helpers.upload_answered(response, accepted=201):
                return
            url = response.json()["url"]
        self._page(url, "/submissions/[id]/")
        # The page's script polls with the session cookie, as here.
        helpers.poll_until_finished(self.client, url.strip("/").split("/")[-1])

    def _sign_in(self, username: str, password: str) -> None:
        html = self._page("/accounts/login/", "/accounts/login/")
        fields = {"username": username, "password": password}
        self._post_form("/accounts/login/", html, fields, "sign in (page)")

    def _sign_up(self) -> None:
        html = self._page("/accounts/signup/", "/accounts/signup/")
        username, password = helpers.new_account()
        fields = {"username": username, "password1": password, "password2": password}
        self._post_form("/accounts/signup/", html, fields, "sign up (page)")

    def _post_form(self, url: str, html: str, fields: dict[str, str], name: str) -> None:
        # Both answer a redirect to the history when they worked, the form again if not.
        body, headers = helpers.form_body(
            {"csrfmiddlewaretoken": helpers.csrf_token(html), **fields}
        )
        headers |= self._referer(url)
        post = self.client.post(
            url, data=body, headers=headers, name=name, allow_redirects=False, catch_response=True
        )
        with post as response:
            if response.status_code != 302:
                response.failure(f"HTTP {response.status_code}: not signed in")

    def _referer(self, url: str) -> dict[str, str]:
        # Over HTTPS Django's CSRF check wants to see that a form came from the site itself.
        return {"Referer": f"{self.host.rstrip('/')}{url}"}

    def _page(self, url: str, name: str) -> str:
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return ""
            html = response.text or ""
        for asset in helpers.assets(html):
            if asset not in self.cached:
                self.cached.add(asset)
                self.client.get(asset, name="/static/*")
        return html
