"""The explorer in a real browser, and the chain through a client that knows
nothing of Triad.

Run by tests/tests/network.rs (scenario 9) with the network's explorer and
node:

    browse.py pages --url http://127.0.0.1:8090 --node ws://127.0.0.1:9944 --task 31 --out artifacts/explorer
    browse.py tampered --url http://127.0.0.1:8090 --task 31 --out artifacts/explorer

`pages` drives headless Chromium (Debian's chromium and chromium-driver,
through Selenium's WebDriver) over the overview, a task, the worker reached
by clicking a seat, the task's model and a search, and saves a screenshot of
each. It then reads the same task and worker with substrate-interface, which
decodes storage, events and calls from the runtime's metadata alone.
`tampered` opens a task whose index rows were changed by hand and expects
the page to show the audit failed. Each failed expectation exits non-zero
with one line saying what was missing.
"""

import argparse
import json
import os
import sys
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait


def fail(message):
    print(f"browse.py: {message}", file=sys.stderr)
    sys.exit(1)


def expect(condition, message):
    if not condition:
        fail(message)


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1400,1000"):
        options.add_argument(flag)
    service = Service(os.environ.get("CHROMEDRIVER", "/usr/bin/chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def screenshot(driver, out, name):
    """The whole page, not just the window."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(height, 600), 6000))
    path = os.path.join(out, name)
    driver.save_screenshot(path)
    driver.set_window_size(1400, 1000)
    print(f"screenshot {path}")


def api(url, path):
    with urllib.request.urlopen(url + path, timeout=60) as response:
        return json.load(response)


def pages(args):
    wait_for = lambda driver: WebDriverWait(driver, 60)
    driver = browser()
    try:
        driver.get(args.url + "/")
        wait_for(driver).until(EC.presence_of_element_located((By.ID, "indexed")))
        expect(driver.find_element(By.TAG_NAME, "h1").text == "Overview", "the overview has no title")
        expect("finality lag" in driver.page_source, "the overview shows no finality lag")
        expect(driver.find_elements(By.CSS_SELECTOR, "svg[aria-label='tasks submitted per hour']"), "no tasks-per-hour chart")
        screenshot(driver, args.out, "overview.png")

        driver.get(f"{args.url}/task/{args.task}")
        wait_for(driver).until(EC.presence_of_element_located((By.ID, "conclusion")))
        conclusion = driver.find_element(By.ID, "conclusion").text
        passed = driver.find_elements(By.CSS_SELECTOR, "tr.check.passed")
        failed = driver.find_elements(By.CSS_SELECTOR, "tr.check.failed")
        expect(conclusion == "PASSED", f"task {args.task}: the audit concludes {conclusion!r}")
        expect(len(passed) >= 8 and not failed, f"task {args.task}: {len(passed)} checks passed, {len(failed)} failed")
        kinds = {row.find_elements(By.TAG_NAME, "td")[1].text for row in passed}
        for kind in ("AnswerOpens", "Fingerprint", "VoteOpens", "Verdict", "Settlement", "Index"):
            expect(kind in kinds, f"task {args.task}: no {kind} check rendered ({sorted(kinds)})")
        screenshot(driver, args.out, "task.png")
        model_link = driver.find_element(By.CSS_SELECTOR, "#task a[href^='/model/']").get_attribute("href")

        # From the task to the worker that executed its first attempt.
        seat = driver.find_element(By.CSS_SELECTOR, "table.seats a.worker")
        worker = seat.get_attribute("title")
        seat.click()
        wait_for(driver).until(EC.url_contains("/worker/"))
        wait_for(driver).until(EC.presence_of_element_located((By.ID, "worker")))
        expect(worker in driver.page_source, "the worker page does not name the worker clicked")
        expect(
            driver.find_elements(By.CSS_SELECTOR, "svg[aria-label='reputation score by block'] path"),
            "the worker page has no reputation chart",
        )
        expect(f"/task/{args.task}" in driver.page_source, "the worker page does not list the task it sat in")
        screenshot(driver, args.out, "worker.png")

        driver.get(model_link)
        wait_for(driver).until(EC.presence_of_element_located((By.ID, "model")))
        for what in ("ONNX hash", "LSH parameters", "Calibration set", "Groth16 vk hash"):
            expect(what in driver.page_source, f"the model page shows no {what}")
        screenshot(driver, args.out, "model.png")

        box = driver.find_element(By.NAME, "q")
        box.send_keys(str(args.task))
        box.submit()
        wait_for(driver).until(EC.url_contains(f"/task/{args.task}"))
    finally:
        driver.quit()
    print(f"browser: overview, task {args.task} (audit passed), worker {worker}, model, search")
    generic(args, worker)


def generic(args, worker):
    """The task and the worker through substrate-interface: storage, events
    and calls decoded from the metadata, nothing of Triad's code."""
    from substrateinterface import SubstrateInterface

    indexed = api(args.url, f"/api/tasks/{args.task}")["task"]
    chain = SubstrateInterface(url=args.node)
    task = chain.query("Tasks", "Tasks", [args.task]).value
    expect(task is not None, f"Tasks.Tasks({args.task}) is empty")
    expect(str(task["escrow"]) == indexed["escrow"], f"escrow {task['escrow']} != {indexed['escrow']}")
    expect(task["client"] == indexed["client"], f"client {task['client']} != {indexed['client']}")
    expect(len(task["attempts"]) == len(indexed["attempts"]), "a different number of attempts")
    seats = [s["who"] for s in task["attempts"][0]["seats"]]
    expect(worker in seats, f"{worker} holds no seat in Tasks.Tasks({args.task})")
    info = chain.query("Workers", "Workers", [worker]).value
    expect(info is not None and int(info["bonded"]) > 0, f"Workers.Workers({worker}) has no bond: {info}")

    finished = next(e for e in indexed["events"] if e["name"] == "TaskFinished")
    block_hash = chain.get_block_hash(finished["block"])
    events = chain.get_events(block_hash)
    found = [
        e for e in events
        if e.value["module_id"] == "Tasks" and e.value["event_id"] == "TaskFinished"
        and e.value["attributes"]["task"] == args.task
    ]
    expect(found, f"no Tasks.TaskFinished for task {args.task} in block #{finished['block']}")

    reveal = next(r for r in indexed["reveals"] if r["kind"] == "vote")
    block = chain.get_block(block_number=reveal["block"])
    call = block["extrinsics"][reveal["extrinsic"]].value["call"]
    expect(
        call["call_module"] == "Tasks" and call["call_function"] == "reveal_vote",
        f"extrinsic {reveal['block']}-{reveal['extrinsic']} is {call['call_module']}.{call['call_function']}",
    )
    args_of = {a["name"]: a["value"] for a in call["call_args"]}
    expect(args_of["task"] == args.task, f"the reveal_vote is for task {args_of['task']}")
    print(
        f"substrate-interface: Tasks.Tasks({args.task}) escrow {task['escrow']}, {len(task['attempts'])} attempts; "
        f"Workers.Workers bonded {info['bonded']}; TaskFinished at #{finished['block']}; "
        f"reveal_vote {reveal['block']}-{reveal['extrinsic']} vote {args_of['vote']}"
    )


def tampered(args):
    driver = browser()
    try:
        driver.get(f"{args.url}/task/{args.task}")
        WebDriverWait(driver, 60).until(EC.presence_of_element_located((By.ID, "conclusion")))
        conclusion = driver.find_element(By.ID, "conclusion").text
        failed = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "tr.check.failed")]
        expect(conclusion == "FAILED", f"task {args.task}: a tampered index, yet the audit concludes {conclusion!r}")
        expect(any("Index" in r for r in failed), f"task {args.task}: no failed Index check: {failed}")
        screenshot(driver, args.out, "task-tampered.png")
    finally:
        driver.quit()
    print(f"browser: task {args.task} with a tampered payment row shows FAILED ({len(failed)} failed checks)")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=["pages", "tampered"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--node")
    parser.add_argument("--task", type=int, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    {"pages": pages, "tampered": tampered}[args.what](args)


if __name__ == "__main__":
    main()
