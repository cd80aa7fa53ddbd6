"""A script using the JSON API with a token, as the autograder does (docs/api.md).

It gets its token by signing up (POST /api/v1/accounts) or, for a seeded account,
POST /api/v1/tokens; then it reads the OpenAPI schema now and then, lists its
submissions page by page, opens them, asks the map for sightings, and, at the share
--upload-share, uploads a photo and polls it until it is classified.
"""

import random

from locust import task
from locust.contrib.fasthttp import FastHttpUser

import helpers
from photos import photo_set

PHOTOS = photo_set(12, seed=2)
PAGE_SIZE = 20  # the API's page size


class ApiClient(FastHttpUser):
    weight = 1
    wait_time = helpers.paced_wait

    def on_start(self) -> None:
        self.ids: list[str] = []
        self.pages = 1
        self.auth: dict[str, str] = {}
        how, account = helpers.arrival(self.environment.parsed_options)
        if how == "returning" and account:
            self.auth = {"Authorization": f"Bearer {account['token']}"}
            return
        path, name = (
            ("/api/v1/tokens", "token (api)") if account else ("/api/v1/accounts", "sign up (api)")
        )
        username, password = (
            (account["username"], account["password"]) if account else helpers.new_account()
        )
        credentials = {"username": username, "password": password}
        with self.client.post(path, json=credentials, name=name, catch_response=True) as response:
            if response.status_code != 201:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
                return
            self.auth = {"Authorization": f"Bearer {response.json()['token']}"}

    @task
    def call(self) -> None:
        if not self.auth:
            self.on_start()  # signing in failed: try again rather than call without a token
            return
        if random.random() < self.environment.parsed_options.upload_share:
            self.upload()
            return
        step = random.choices(
            [self.submission_list, self.submission_get, self.sightings, self.openapi],
            weights=[4, 3, 3, 1],
        )[0]
        step()

    def submission_list(self) -> None:
        page = random.randint(1, self.pages)
        url = f"/api/v1/submissions?page={page}"
        answer = self._get(url, "/api/v1/submissions?page=N")
        if answer:
            self.pages = max(1, -(-answer["count"] // PAGE_SIZE))
            self.ids = [item["id"] for item in answer["items"]] or self.ids

    def submission_get(self) -> None:
        if not self.ids:
            self.submission_list()
        if self.ids:
            self._get(f"/api/v1/submissions/{random.choice(self.ids)}", "/api/v1/submissions/[id]")

    def sightings(self) -> None:
        helpers.map_session(self.client, headers=self.auth)

    def openapi(self) -> None:
        self._get("/api/v1/openapi.json", "/api/v1/openapi.json")

    def upload(self) -> None:
        body, content_type = helpers.multipart_body({}, "photo.jpg", random.choice(PHOTOS))
        headers = {**self.auth, "Content-Type": content_type}
        post = self.client.post(
            "/api/v1/submissions",
            data=body,
            headers=headers,
            name="upload (api)",
            catch_response=True,
        )
        with post as response:
            if not helpers.upload_answered(response, accepted=201):
                return
            submission_id = response.json()["id"]
        helpers.poll_until_finished(self.client, submission_id, headers=self.auth)

    def _get(self, url: str, name: str) -> dict | None:
        with self.client.get(url, name=name, headers=self.auth, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.json()  # type: ignore[no-any-return]
