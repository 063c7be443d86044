"""antaeus.data: the historical record loads, validates, keeps every version, and meets a run."""
from __future__ import annotations

import copy
import csv
import datetime as dt
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import antaeus
from antaeus.data import (
    NOT_FREE,
    PATH_TARGETS,
    TARGET_SECTIONS,
    Comparison,
    RecordError,
    compare,
    compare_all,
    is_target,
    load_mapping,
    load_record,
    load_sources,
    observations,
    versions,
)
from antaeus.data.compare import _os_month, spec_for
from antaeus.engine.result import Observable, Result
from antaeus.scenario import InputError

RECORD = Path(antaeus.data.__file__).with_name("record.csv")
PARTIES = ["kadets", "mensheviks", "menshevik_internationalists", "srs", "left_srs", "bolsheviks", "others"]


@pytest.fixture(scope="module")
def run() -> Result:
    return antaeus.simulate(antaeus.load_scenario("russia1917"), 1, 20000)


def by_id(oid: str, version: str | None = None):
    found = [o for o in observations(in_use_only=False) if o.id == oid and (version is None or o.version == version)]
    assert found, oid
    return found[0] if version else found


# ------------------------------------------------------------------------- the record


def test_record_loads_validates_and_cites_known_sources():
    rows = load_record()
    sources = load_sources()
    assert len(rows) > 200
    used = {s for r in rows for s in r.sources}
    assert used <= set(sources)
    assert set(sources) <= used, f"sources never cited: {set(sources) - used}"
    for r in rows:
        assert r.date_julian == r.date - dt.timedelta(days=13)
        family, constituency, _ = r.id.split(":")
        assert (r.family, r.constituency) == (family, constituency)
    for key, entry in sources.items():
        assert entry["via"].startswith(("data1917.md §", "outside data1917.md: ")), key
        if entry["via"].startswith("outside"):
            assert entry["url"].startswith(("https://", "http://")), key  # a source found later names the page read


def test_every_section_of_data1917_is_represented():
    sections = {r.section for r in load_record()}
    assert {"1", "2", "3a", "3b", "4a", "5a", "6", "8a", "8b", "8d"} <= sections
    # §1: the disagreeing totals, the VTsIK and the peasant congresses
    totals = {v for o in by_id("soviet_congress:all_russia:1917-06-16") for v in o.values.values()}
    assert {882, 822, 784, 1090, 268} <= totals
    assert by_id("soviet_congress:all_russia:1917-06-16", "gse_777").total == 777
    assert by_id("vtsik:all_russia:1917-06-16", "wikipedia").values["Mensheviks"] == 123
    assert by_id("peasant_congress:all_russia:1917-05", "smith").values == {"SR": 537, "Bolsheviks": 14}
    assert by_id("peasant_congress:all_russia:1917-11-23", "pindrik").values["Left SR"] == 195
    assert by_id("peasant_congress:all_russia:1917-12-09", "marxists_glossary").values["Left SR"] == 350
    # §2: the three counts and the questionnaire
    assert {o.version for o in by_id("soviet_congress:all_russia:1917-11-07")} >= {
        "pravda_mandate", "encspb_opening", "rabochaya_gazeta", "oldhat", "rabinowitch"}
    assert by_id("soviet_congress_poll:all_russia:1917-11-07", "prlib").values == {
        "all power to the soviets": 505, "power to democracy or coalition": 165}
    # §3, §4a: seats found, votes unverified
    june = by_id("municipal:petrograd:1917-06-11", "rabinowitch_votes")
    assert june.status == "unverified" and june.values["SR-Menshevik-Edinstvo bloc"] == 0.56
    assert by_id("municipal:petrograd:1917-09-02", "rabinowitch_votes").status == "unverified"
    assert by_id("municipal:petrograd:1917-09-02", "encspb_seats").values["Bolsheviks"] == 67
    assert by_id("municipal:moscow:1917-07-08", "mieville").values["Kadets"] == 0.172
    assert by_id("municipal:moscow:1917-07-08", "newhistoria").values["Kadets"] == 0.168
    # §5a: every tabulation, the Left-SR test, the January session
    assert {o.version for o in by_id("constituent_assembly:national:1917-11-25")} >= {
        "pipes", "wikipedia_infobox", "wikipedia_2018_seats", "wikipedia_2017", "wikipedia_older",
        "ru_wikipedia_seats", "lenin_svyatitsky"}
    assert by_id("constituent_assembly:national:1917-11-25", "pipes").total == 44_432_000
    assert by_id("constituent_assembly:voronezh_viatka_tobolsk:1917-11-25", "pipes").values["Left SR"] == 26000
    assert by_id("ca_session:national:1918-01-18", "jewhistory").values["Bolsheviks and Left SR"] == 155
    # §6: membership at every date, with alternatives
    eve = {o.version: o.values["Bolsheviks"] for o in by_id("membership:bolsheviks:1917-03-07")}
    assert eve == {"party_census": 24000, "newlib": 20000, "socialistworker": 10000, "dalin": 10000}
    for oid in ("membership:bolsheviks:1917-05-07", "membership:bolsheviks:1917-08-08",
                "membership:bolsheviks:1917-10", "membership:mensheviks:1917-05-14", "membership:srs:1917-09-14"):
        by_id(oid)
    # §8b both monthly series, in order, and the 958
    for region, series in [("all_russia", [1, 7, 12, 17, 16, 13, 14, 20]),
                           ("central_black_earth", [3.0, 9.0, 12.0, 14.8, 11.8, 15.0, 21.8, 12.0])]:
        got = [by_id(f"unrest:{region}:1917-{m:02d}")[0].values["peasant actions"] for m in range(3, 11)]
        assert got == series
    assert by_id("land_seizures:all_russia:1917-09", "journalworker").values["land seizures"] == 958
    # §8a strikes and §8d army figures
    assert by_id("strikes:all_russia:1915", "kiryanov").values["strikes"] == 1946
    assert by_id("strikers:petrograd:1917-03-10", "trotsky_hrr").values["strikers"] == 300000
    assert by_id("mobilised:all_russia:1918-01-13", "musei_difesa").values["mobilised"] == 15_798_000


def test_exactly_one_version_in_use_and_the_chosen_ones():
    all_versions = observations(in_use_only=False)
    ids = {o.id for o in all_versions}
    in_use = observations()
    assert sorted(o.id for o in in_use) == sorted(ids)  # one per id, no more
    chosen = {o.id: o.version for o in in_use}
    assert chosen["soviet_congress:all_russia:1917-06-16"] == "gse_777"
    assert chosen["soviet_congress:all_russia:1917-11-07"] == "pravda_mandate"
    assert chosen["constituent_assembly:national:1917-11-25"] == "pipes"
    assert chosen["municipal:petrograd:1917-06-11"] == "encspb_seats"
    assert chosen["municipal:petrograd:1917-09-02"] == "encspb_seats"
    assert chosen["membership:bolsheviks:1917-05-07"] == "april_conference"


def test_month_ids_name_whole_os_months():
    sep = by_id("unrest:all_russia:1917-09")[0]
    assert (sep.date, sep.date_end) == (dt.date(1917, 9, 14), dt.date(1917, 10, 13))
    assert sep.date_julian == dt.date(1917, 9, 1)
    assert _os_month("1917-03") == (dt.date(1917, 3, 14), dt.date(1917, 4, 13))
    march_1918 = by_id("membership:bolsheviks:1918-03")[0]  # Gregorian by then
    assert (march_1918.date, march_1918.date_end) == (dt.date(1918, 3, 1), dt.date(1918, 3, 31))


def test_target_flags_follow_the_sections():
    assert TARGET_SECTIONS == {"1", "2", "3a", "3b", "4a", "5a", "6", "8b"}
    flags = {o.id: o.target for o in observations()}
    for o in observations(in_use_only=False):
        assert o.target == is_target(o.section, o.family, o.constituency, o.id)
        by_section = o.id not in NOT_FREE and is_target(o.section, o.family, o.constituency)
        assert o.target == (o.id in PATH_TARGETS or by_section)
    assert all(flags[i] for i in PATH_TARGETS)  # the declared path targets of issue 16, in use
    assert not flags["municipal:moscow:1917-10-07"]  # the Moscow district dumas: out of sample
    assert flags["constituent_assembly:national:1917-11-25"]
    assert not flags["constituent_assembly:voronezh_viatka_tobolsk:1917-11-25"]  # regional
    assert not flags["ca_session:national:1918-01-18"]
    assert not flags["municipal:petrograd:1917-12-29"]  # a re-run, not a free vote
    assert flags["municipal:petrograd:1917-09-02"] and flags["peasant_congress:all_russia:1917-12-09"]
    assert flags["unrest:all_russia:1917-09"] and flags["unrest:central_black_earth:1917-03"]
    assert not flags["land_seizures:all_russia:1917-09"]  # a magnitude: out of sample (issue 16)
    assert not flags["turnout:moscow:1917-07-08"] and not flags["turnout:petrograd:1917-06-11"]  # a magnitude, too
    assert not flags["strikes:all_russia:1915"] and not flags["strikers:petrograd:1917-03-08"]
    assert not flags["army:all_russia:1917-09"] and not flags["deserters:all_russia:1917-03-14"]
    assert flags["soviet_congress:all_russia:1917-06-16"] and flags["municipal:moscow:1917-07-08"]
    assert flags["membership:bolsheviks:1917-08-08"] and flags["peasant_congress:all_russia:1917-05"]
    out_of_sample = {o.section for o in observations() if not o.target}
    # 3b: the December re-run; 4b, 5b: found outside data1917.md; 8b: land seizures; 3a, 4a:
    # the voters, a magnitude; 7: the SR Party Council's vote, a proxy
    assert out_of_sample == {"3a", "3b", "4a", "4b", "5a", "5b", "7", "8a", "8b", "8d"}
    assert not flags["party_council:all_russia:1917-08-22"]


# ------------------------------------------------------------------------- validation


def _mutate(tmp_path: Path, change) -> Path:
    with open(RECORD, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    change(rows)
    path = tmp_path / "record.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def _second_in_use(rows):
    for r in rows:
        if r["id"] == "soviet_congress:all_russia:1917-11-07" and r["version"] == "encspb_opening":
            r["in_use"] = "true"


def _bad_julian(rows):
    rows[0]["date_julian"] = "1917-06-04"


def _unknown_source(rows):
    rows[3]["source"] = "nosuch_source"


def _duplicate(rows):
    rows.insert(1, dict(rows[0]))


def _bad_status(rows):
    rows[0]["status"] = "guessed"


def _bad_unit(rows):
    rows[0]["unit"] = "percent"


def _label_mismatch(rows):
    for r in rows:
        if r["id"] == "unrest:all_russia:1917-09":
            r["id"] = "unrest:all_russia:1917-08"


@pytest.mark.parametrize("change, says", [
    (_second_in_use, "2 versions in use"), (_bad_julian, "minus 13 days"),
    (_unknown_source, "not in sources.toml"), (_duplicate, "appears twice"),
    (_bad_status, "status 'guessed'"), (_bad_unit, "unit 'percent'"), (_label_mismatch, "does not match")])
def test_validation_rejects_a_corrupted_record(tmp_path, change, says):
    assert load_record(_mutate(tmp_path, lambda rows: None))  # an unchanged copy loads
    (tmp_path / "bad").mkdir()
    with pytest.raises(RecordError) as err:
        load_record(_mutate(tmp_path / "bad", change))
    assert says in err.value.message() and "record.csv, line" in err.value.message()


def test_unknown_observation_suggests_the_closest():
    with pytest.raises(InputError) as err:
        versions("soviet_congress:all_russia:1917-11-08")
    assert "did you mean 'soviet_congress:all_russia:1917-11-07'" in err.value.message()


# ------------------------------------------------------------------------- the CLI


def cli(*args: str) -> subprocess.CompletedProcess:
    entry = Path(sys.executable).with_name("antaeus")
    command = [str(entry)] if entry.exists() else [sys.executable, "-m", "antaeus.cli"]
    return subprocess.run(command + list(args), capture_output=True, text=True, timeout=120)


def test_cli_data_lists_one_line_per_observation_in_use():
    done = cli("data")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert [line.split()[0] for line in lines] == [o.id for o in observations()]
    assert "pravda_mandate" in done.stdout and "out-of-sample" in done.stdout


def test_cli_data_show_prints_every_version_with_sources():
    done = cli("data", "show", "soviet_congress:all_russia:1917-11-07")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "version pravda_mandate (in use)" in out
    for version in ("encspb_opening", "rabochaya_gazeta", "oldhat", "rabinowitch"):
        assert f"version {version}:" in out
    assert "unverified" in out and "http://www.encspb.ru/object/2804022647?lc=en" in out
    assert "O.S. 1917-10-25" in out


def test_cli_data_show_unknown_exits_2_with_one_line():
    done = cli("data", "show", "nosuch")
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and done.stderr.startswith("error:")
    assert "nosuch" in done.stderr


# ------------------------------------------------------------------------- comparison


#: in-use observations a baseline run cannot meet: no counterpart in the model, before or
#: after the run, or a local party organisation
NOT_SIMULATED = {
    "soviet_congress_presidium:all_russia:1917-11-07",
    "turnout:petrograd:1917-06-11", "turnout:moscow:1917-07-08", "ca_session:national:1918-01-18", "municipal:petrograd:1917-12-29",
    "membership:bolsheviks_petrograd:1917-03-07", "membership:bolsheviks_moscow:1917-03-07",
    "membership:bolsheviks:1918-03", "membership:bolsheviks_petrograd:1918-03",
    "membership:bolsheviks_moscow:1918-03", "membership:bolsheviks_urals:1918-03",
    "strikes:all_russia:1915", "strikers:all_russia:1915", "strikes:all_russia:1916",
    "strikers:all_russia:1916", "strikes:all_russia:1917-01-14", "strikers:all_russia:1917-01-14",
    "strikers:petrograd:1917-01-22", "strikers:petrograd:1917-02-27",
    "mobilised:all_russia:1918-01-13", "army:all_russia:1917-09", "army:all_russia:1917",
    "army:all_russia:1917-05-14", "deserters:all_russia:1917-03-07",
    "deserters:all_russia:1917-11-14", "constituent_assembly:northern:1917-11-25",
    "constituent_assembly:east_urals:1917-11-25",
}


def test_compare_all_meets_every_observation_in_use(run):
    comparisons = compare_all(run)
    assert all(isinstance(c, Comparison) for c in comparisons)
    targets = {o.id: o.target for o in observations()}
    assert {c.id for c in comparisons} == set(targets)
    for c in comparisons:
        assert c.target == targets[c.id]
        if c.simulated is None:
            assert c.note, c
    unmet = {c.id for c in comparisons if c.simulated is None}
    assert unmet == NOT_SIMULATED
    for c in comparisons:
        if c.unit == "share" and c.id not in NOT_SIMULATED:
            assert c.simulated is not None and math.isfinite(c.simulated), c
            assert -1e-9 <= c.simulated <= 1 + 1e-9, c
            assert c.observed is None or -1e-9 <= c.observed <= 1 + 1e-9, c


def test_shares_of_a_body_sum_to_one_and_the_months_too(run):
    for o in observations():
        spec = spec_for(o)
        if spec["method"] == "shares" and spec.get("remainder") and o.id not in NOT_SIMULATED:
            cs = compare(run, o)
            assert sum(c.simulated for c in cs) == pytest.approx(1.0)
            if all(c.observed is not None for c in cs):  # a record of a few parties leaves the rest open
                assert sum(c.observed for c in cs) == pytest.approx(1.0)
    months = [c.simulated for c in compare_all(run) if c.id.startswith("unrest:all_russia:")]
    assert len(months) == 8 and sum(months) == pytest.approx(1.0)


def _result(observables: list[Observable], regions=("petrograd",), groups=("peasant",), days=268) -> Result:
    dates = [dt.date(1917, 3, 8) + dt.timedelta(days=i) for i in range(days)]
    D, R, G, P = len(dates), len(regions), len(groups), len(PARTIES)
    zeros = np.zeros
    return Result(scenario="hand", seed=0, agents=1, dates=dates, parties=PARTIES, regions=list(regions),
                  groups=list(groups), activities=["land_seizure"] * G, support=zeros((D, R, G, P)),
                  active=zeros((D, R, G)), onsets=zeros((D, R, G)), membership=zeros((D, P)),
                  soviets=zeros((D, R, P)), legitimacy=zeros((D, R)), demands=zeros((D, R, 4)),
                  leaning=zeros((D, R, G)),
                  observables=observables, power_log=[], decisions=[], parameters={},
                  group_activity={"peasant": "land_seizure"})


def test_voters_scale_the_earlier_elections_by_the_change_of_turnout():
    """Moscow's September voters are the record's June voters times the run's turnout in
    September over its turnout in June; the June row is the base and is not compared; and a
    run without a turnout gives no number."""
    shares = dict(zip(PARTIES, [1.0 / len(PARTIES)] * len(PARTIES)))
    june, september = "municipal:moscow:1917-07-08", "municipal:moscow:1917-10-07"

    def election(i, turnout):
        return Observable(i, "municipal", "moscow", dt.date.fromisoformat(i[-10:]), shares, None, None, turnout)

    result = _result([election(june, 0.8), election(september, 0.5)])
    later = compare(result, by_id("turnout:moscow:1917-10-07", "newspapers"))[0]
    assert later.observed == 379639 and later.unit == "voters" and not later.target
    assert later.simulated == pytest.approx(640000 * 0.5 / 0.8)
    assert later.error == pytest.approx(math.log(400000 / 379639))      # a count: wrong by a factor
    assert compare(result, by_id("turnout:moscow:1917-07-08", "mieville"))[0].simulated is None
    silent = _result([election(june, None), election(september, 0.5)])
    assert compare(silent, by_id("turnout:moscow:1917-10-07", "newspapers"))[0].simulated is None


def test_seats_become_shares_of_the_named_total():
    simulated = dict(zip(PARTIES, [0.10, 0.20, 0.05, 0.30, 0.05, 0.25, 0.05]))
    ids = ["municipal:petrograd:1917-06-11", "constituent_assembly:national:1917-11-25"]
    result = _result([Observable(i, i.split(":")[0], i.split(":")[1], dt.date.fromisoformat(i[-10:]),
                                 simulated, None) for i in ids])
    june = {c.category: c for c in compare(result, by_id(ids[0], "encspb_seats"))}
    # the seats leave the bloc's third partner (Edinstvo) unnamed: only the lists that ran
    # against the bloc are compared, the bloc and the unnamed seats together are the remainder
    assert set(june) == {"Kadets", "Bolsheviks", "SR-Menshevik-Edinstvo bloc and the other lists"}
    assert june["Kadets"].observed == pytest.approx(47 / 200)
    assert june["Bolsheviks"].observed == pytest.approx(37 / 200)
    rest = june["SR-Menshevik-Edinstvo bloc and the other lists"]
    assert rest.observed == pytest.approx((54 + 40 + 22) / 200)
    assert rest.simulated == pytest.approx(1 - 0.10 - 0.25)
    assert all(c.unit == "share" for c in june.values())
    seats = {c.category: c for c in compare(result, by_id(ids[1], "wikipedia_infobox_seats"))}
    # the Ukrainian SRs are a national list: "others", like the model's national parties
    assert seats["SR (incl. Left SR)"].observed == pytest.approx(324 / 767)
    assert seats["others (incl. national lists)"].observed == pytest.approx((767 - 324 - 183 - 16 - 18) / 767)
    assert seats["Bolsheviks"].observed == pytest.approx(183 / 767)
    votes = {c.category: c for c in compare(result, by_id(ids[1], "pipes"))}
    accounted = 44_432_000 - 4_543_000  # Pipes' unaccounted returns are left out
    sr = (17_943_000 + 451_000) / accounted  # SR + Left SR; the Ukrainian SRs are a national list
    assert votes["SR (incl. Left SR)"].observed == pytest.approx(sr)
    assert votes["Mensheviks"].observed == pytest.approx(1_144_000 / accounted)  # Georgian ones not
    assert votes["Mensheviks"].simulated == pytest.approx(0.25)
    assert votes["others (incl. national lists)"].simulated == pytest.approx(1 - 0.35 - 0.25 - 0.10 - 0.25)
    # an overlay that moved the election: nothing to compare, and it says why
    moved = compare(_result([]), by_id(ids[0], "encspb_seats"))
    assert all(c.simulated is None and "no simulated observable" in c.note for c in moved)


def test_vtsik_is_held_against_the_simulated_congress_factions():
    """The VTsIK's seats went to party factions: a simulated congress that matches the First
    Congress's record meets the VTsIK within the factions' own disproportions (the SRs got
    fewer seats than delegates), not 12 points off on the non-party remainder."""
    first = "soviet_congress:all_russia:1917-06-16"
    record = dict(srs=285 / 777, mensheviks=248 / 777, menshevik_internationalists=32 / 777,
                  bolsheviks=105 / 777, kadets=0.0, left_srs=0.0)
    record["others"] = 1.0 - sum(record.values())
    result = _result([Observable(first, "soviet_congress", "all_russia", dt.date(1917, 6, 16), record, None)])
    vtsik = {c.category: c for c in compare(result, by_id("vtsik:all_russia:1917-06-16", "wikipedia"))}
    factions = 1.0 - record["others"]
    assert vtsik["SR"].simulated == pytest.approx(record["srs"] / factions)
    assert vtsik["Mensheviks"].observed == pytest.approx(123 / 320)
    # the remainder: United SD and others (20 of 320) against the Menshevik-Internationalists
    assert vtsik["others"].observed == pytest.approx(20 / 320)
    assert vtsik["others"].simulated == pytest.approx(record["menshevik_internationalists"] / factions)
    assert np.mean([abs(c.simulated - c.observed) for c in vtsik.values()]) < 0.03


def test_peasant_congresses_leave_out_ukraine_and_the_caucasus_and_seat_the_left_faction():
    result = _result([], regions=("volga", "ukraine", "caucasus"))
    day = result.day_index(dt.date(1917, 11, 23))
    volga = dict(srs=50.0, left_srs=30.0, bolsheviks=10.0, others=10.0)
    for p, n in volga.items():
        result.support[day, 0, 0, PARTIES.index(p)] = n
    result.leaning[day, 0, 0] = 30.0   # SR supporters closer to the Left SRs: the faction
    result.support[day, 1:, 0, PARTIES.index("others")] = 500.0  # national lists' villages
    result.leaning[day, 1:, 0] = 400.0  # left out with their regions
    got = {c.category: c.simulated for c in compare(result, by_id("peasant_congress:all_russia:1917-11-23")[0])}
    assert got == {"SR (Right and Centre)": pytest.approx(0.2), "Left SR": pytest.approx(0.6),
                   "Bolsheviks": pytest.approx(0.1), "others": pytest.approx(0.1)}


def test_the_workers_section_reads_the_citys_workers_through_renewed_soviets():
    """The Petrograd soviet's workers' section (31 May O.S.), out of sample: the city's industrial
    workers only (not Moscow's), their SR supporters who lean to the Left SRs counted with the
    left, and the section renewed at the soviets' pace from the workers' first-day support, so a
    turn on the eve of the vote reaches only part of the deputies."""
    result = _result([], regions=("petrograd", "moscow"), groups=("industrial_worker", "peasant"))
    result.parameters["parameters.soviets.reelection_days"] = 30.0
    p = {name: PARTIES.index(name) for name in PARTIES}
    result.support[:, 0, 0, p["mensheviks"]] = 100.0  # Petrograd's workers: Menshevik until the eve
    result.support[:, 1, 0, p["bolsheviks"]] = 1000.0  # Moscow's and the peasants are not the section
    result.support[:, 0, 1, p["bolsheviks"]] = 1000.0
    vote = by_id("soviet_section:petrograd:1917-06-13")[0]
    day = result.day_index(dt.date(1917, 6, 13))
    [quiet] = compare(result, vote)
    assert quiet.observed == pytest.approx(173 / 317) and quiet.simulated == pytest.approx(0.0) and not quiet.target
    result.support[:, 0, 0, p["mensheviks"]] = 0.0  # the whole city's workers SR from the start,
    result.support[:, 0, 0, p["srs"]] = 100.0       # half of them leaning to the Left SRs
    result.leaning[:, 0, 0] = 50.0
    assert compare(result, vote)[0].simulated == pytest.approx(0.5)
    result.support[:, 0, 0, p["srs"]] = 0.0  # a turn to the Bolsheviks only on the eve: the
    result.leaning[:, 0, 0] = 0.0             # section, renewed a thirtieth a day, follows in part
    result.support[:, 0, 0, p["mensheviks"]] = 100.0
    result.support[day - 1:, 0, 0, p["mensheviks"]] = 0.0
    result.support[day - 1:, 0, 0, p["bolsheviks"]] = 100.0
    assert 0.0 < compare(result, vote)[0].simulated < 0.1


def test_the_sr_party_council_is_held_against_the_whole_sr_camp_and_its_left_faction():
    """The Seventh SR Party Council's vote (9 Aug O.S.), out of sample: the left's share of the
    SRs' supporters in every group, those still in the party who lean to the Left SRs counted
    with them, against 34 of 88 votes."""
    result = _result([], regions=("volga", "petrograd"), groups=("peasant", "industrial_worker"))
    day = result.day_index(dt.date(1917, 8, 22))
    srs = PARTIES.index("srs")
    result.support[day, :, :, srs] = [[60.0, 10.0], [20.0, 10.0]]       # 100 SR supporters
    result.support[day, :, :, PARTIES.index("bolsheviks")] = 500.0       # not in the SR camp
    result.leaning[day] = [[15.0, 5.0], [5.0, 5.0]]                        # 30 of them lean left
    council = by_id("party_council:all_russia:1917-08-22")
    assert len(council) == 1 and not council[0].target
    got = {c.category: (c.simulated, c.observed) for c in compare(result, council[0])}
    assert got == {"Left SR resolution": (pytest.approx(0.3), pytest.approx(34 / 88)),
                   "majority resolution": (pytest.approx(0.7), pytest.approx(54 / 88))}
    result.leaning[day, :, 1] = 0.0                                        # every group counts
    assert compare(result, council[0])[0].simulated == pytest.approx(0.2)


def test_the_second_peasant_congress_seats_delegates_of_soviets_renewed_at_their_pace():
    """The Second Peasant Congress: 42% of its seats follow the peasants' support on the day,
    58% peasant soviets that renew a tenth of their delegates a day (the run's reelection_days
    10), one per region, weighted by its peasants. The volga's 100 peasants turn from the SRs
    to the Left SRs on day 200, siberia's 300 stay SR: the renewed soviets lag the turn."""
    result = _result([], regions=("volga", "siberia", "ukraine"), days=320)
    result.parameters["parameters.soviets.reelection_days"] = 10.0
    turn = 200
    result.support[:turn, 0, 0, PARTIES.index("srs")] = 100.0
    result.support[turn:, 0, 0, PARTIES.index("left_srs")] = 100.0
    result.support[:, 1, 0, PARTIES.index("srs")] = 300.0
    result.support[:, 2, 0, PARTIES.index("others")] = 900.0     # Ukraine's villages are left out
    oid = "peasant_congress:all_russia:1917-12-09"
    got = {c.category: c.simulated for c in compare(result, by_id(oid)[0])}
    day = result.day_index(dt.date(1917, 12, 16))                   # the middle of 9-23 December
    soviets = 0.25 * (1.0 - 0.9 ** (day - turn + 1))                # the Left SRs' share of the soviets' seats
    assert got["Left SR"] == pytest.approx(0.42 * 0.25 + 0.58 * soviets)
    assert got["SR (Right and Centre)"] == pytest.approx(1.0 - got["Left SR"])
    assert 0.25 * 0.42 < got["Left SR"] < 0.25                      # the soviets lag the villages
    november = {c.category: c.simulated for c in compare(result, by_id("peasant_congress:all_russia:1917-11-23")[0])}
    assert november["Left SR"] == pytest.approx(0.25)                # the Extraordinary Congress: the day's support
    del result.parameters["parameters.soviets.reelection_days"]
    silent = compare(result, by_id(oid)[0])
    assert all(c.simulated is None and "reelection_days" in c.note for c in silent)


def test_second_congress_seats_the_left_sr_faction_in_the_poll():
    """The SR delegates split as the SR supporters among the soviets' electors lean: the
    faction counts for all power to the soviets; the SRs as a whole do not change."""
    second = "soviet_congress:all_russia:1917-11-07"
    congress = dict(srs=0.30, left_srs=0.02, bolsheviks=0.45, menshevik_internationalists=0.05,
                    mensheviks=0.05, kadets=0.0, others=0.13)
    groups = ("industrial_worker", "front_soldier", "peasant")
    result = _result([Observable(second, "soviet_congress", "all_russia", dt.date(1917, 11, 7), congress, None)],
                     groups=groups)
    day = result.day_index(dt.date(1917, 11, 7))
    sr = PARTIES.index("srs")
    result.support[day, 0, 0, sr], result.leaning[day, 0, 0] = 100.0, 80.0   # workers: 80 of 100 lean left
    result.support[day, 0, 1, sr], result.leaning[day, 0, 1] = 300.0, 160.0  # soldiers: 160 of 300
    result.support[day, 0, 2, sr], result.leaning[day, 0, 2] = 5000.0, 0.0   # peasants elect no soviet
    poll = {c.category: c for c in compare(result, by_id("soviet_congress_poll:all_russia:1917-11-07")[0])}
    faction = 0.30 * 240 / 400
    assert poll["all power to the soviets"].simulated == pytest.approx(0.45 + 0.02 + 0.05 + faction)
    assert poll["all power to the soviets"].observed == pytest.approx(0.754, abs=0.001)
    whole = {c.category: c for c in compare(result, by_id(second, "pravda_mandate"))}
    assert whole["SR (all factions)"].simulated == pytest.approx(0.32)
    left = compare(result, by_id(second, "rabinowitch"))[0]
    assert left.category == "Left SR" and left.simulated == pytest.approx(0.02 + faction)


def test_the_capitals_soviets_resolutions_count_the_left_sr_deputies_of_their_own_city():
    """The September resolutions are held against the soviet's deputies for power to the
    soviets: the SR deputies split as the city's SR supporters among the soviets' electors
    lean (peasants elect none; another city's leaning does not count)."""
    groups = ("industrial_worker", "garrison_soldier", "peasant")
    result = _result([], regions=("petrograd", "moscow"), groups=groups)
    day = result.day_index(dt.date(1917, 9, 13))
    deputies = dict(bolsheviks=40.0, srs=40.0, menshevik_internationalists=5.0, mensheviks=15.0)
    for p, n in deputies.items():
        result.soviets[day, 0, PARTIES.index(p)] = n
    sr = PARTIES.index("srs")
    result.support[day, 0, 0, sr], result.leaning[day, 0, 0] = 100.0, 60.0    # workers: 60 of 100 lean left
    result.support[day, 0, 1, sr], result.leaning[day, 0, 1] = 300.0, 60.0    # soldiers: 60 of 300
    result.support[day, 0, 2, sr], result.leaning[day, 0, 2] = 9000.0, 9000.0  # peasants elect no soviet
    result.support[day, 1, 0, sr], result.leaning[day, 1, 0] = 100.0, 100.0   # Moscow's leaning stays in Moscow
    got = compare(result, by_id("soviet:petrograd:1917-09-13")[0])[0]
    assert got.category == "Bolshevik resolution"
    assert got.simulated == pytest.approx((40 + 5 + 40 * 120 / 400) / 100)
    assert got.observed == pytest.approx(279 / 394)
    assert "faction" not in spec_for(by_id("soviet:petrograd:1917-03")[0])  # March: the Bolsheviks alone


def test_membership_and_monthly_activity_on_a_hand_built_run():
    result = _result([])
    result.membership[:, PARTIES.index("bolsheviks")] = np.linspace(24000, 400000, len(result.dates))
    day = {d: i for i, d in enumerate(result.dates)}
    result.onsets[day[dt.date(1917, 9, 14)]:day[dt.date(1917, 10, 13)] + 1] = 1.0  # O.S. September only
    result.onsets[day[dt.date(1917, 3, 13)]] = 100.0  # 28 Feb O.S.: outside the window
    april = compare(result, by_id("membership:bolsheviks:1917-05-07", "april_conference"))[0]
    middle = day[dt.date(1917, 5, 9)]  # the conference ran 7-12 May N.S.: its middle day
    assert april.simulated == pytest.approx(result.membership[middle, PARTIES.index("bolsheviks")])
    assert april.error == pytest.approx(math.log(april.simulated / 79204))
    eve = compare(result, by_id("membership:bolsheviks:1917-03-07", "party_census"))[0]
    assert eve.simulated == pytest.approx(24000)  # the run's first day stands for the eve
    # peasant actions are incidents: they follow person-days active, two a day in O.S.
    # September (30 days) and one a day in O.S. August (31 days), not the onsets
    result.active[day[dt.date(1917, 8, 14)]:day[dt.date(1917, 9, 13)] + 1] = 1.0
    result.active[day[dt.date(1917, 9, 14)]:day[dt.date(1917, 10, 13)] + 1] = 2.0
    sep = compare(result, by_id("unrest:all_russia:1917-09")[0])[0]
    aug = compare(result, by_id("unrest:all_russia:1917-08")[0])[0]
    assert sep.observed == pytest.approx(0.14)
    assert (sep.simulated, aug.simulated) == (pytest.approx(60 / 91), pytest.approx(31 / 91))
    # the onsets reading, kept as a method, counts each mobilisation once
    by_onsets = copy.deepcopy(load_mapping())  # the shared mapping stays as shipped
    by_onsets["families"]["unrest"] = dict(by_onsets["families"]["unrest"], method="monthly_onsets")
    sep = compare(result, by_id("unrest:all_russia:1917-09")[0], by_onsets)[0]
    aug = compare(result, by_id("unrest:all_russia:1917-08")[0], by_onsets)[0]
    assert (sep.simulated, aug.simulated) == (pytest.approx(1.0), 0.0)
    # land seizures are incidents, and a village commune acts as one: the month's onsets
    # counted in communes (the group's people over the empire's 107,815 rural societies)
    result.support[0, 0, 0, 0] = 2_000_000.0  # the peasants of the hand-built run
    seized = compare(result, by_id("land_seizures:all_russia:1917-09")[0])[0]
    assert (seized.unit, seized.observed) == ("incidents", 958)
    assert seized.simulated == pytest.approx(30 * 107815 / 2_000_000)  # 30 people newly active in O.S. September
    assert seized.error == pytest.approx(math.log(seized.simulated / 958))
    short = _result([])
    short.dates[:] = short.dates[:200]  # ends before O.S. October does
    assert compare(short, by_id("unrest:all_russia:1917-09")[0])[0].simulated is None


def test_mapping_names_real_parties_and_groupings_and_drops_nothing():
    mapping = load_mapping()
    groupings = {r.grouping for r in load_record()}
    for level in (mapping["families"], mapping["ids"]):
        for key, spec in level.items():
            for cat in spec.get("categories", []):
                assert set(cat["model"]) <= set(PARTIES), key
                assert set(cat["record"]) & groupings, f"{key}: {cat['name']} names no grouping of the record"
            assert set(spec.get("denominator_model", [])) <= set(PARTIES)
    for o in observations(in_use_only=False):
        spec = spec_for(o)
        if spec["method"] != "shares" or spec.get("remainder"):
            continue
        covered = {g for cat in spec["categories"] for g in cat["record"]} | set(spec.get("denominator", []))
        assert set(o.values) <= covered, f"{o.id} {o.version}: groupings compared with nothing"


def test_the_data_version_follows_the_targets_not_the_out_of_sample_rows(tmp_path):
    """A calibration stays valid while the record and its mapping grow out of sample (issue 16,
    item 4), and is flagged when a target or the way it is compared changes."""
    import shutil

    from antaeus.data.record import data_file, data_version

    record = tmp_path / "record.csv"
    shutil.copy(data_file("record.csv"), record)
    base = data_version(record)
    assert base == data_version()
    text = record.read_text()
    record.write_text(text + "constituent_assembly:volga:1917-11-25,test,true,5b,1917-11-25,1917-11-12,,volga,"
                             "Bolsheviks,0.2,share,,found,lenin_1919,an added out-of-sample row\n")
    assert data_version(record) == base                                   # out of sample: unchanged
    target = "constituent_assembly:national:1917-11-25,pipes,true,5a,1917-11-25,1917-11-12,,national,Bolsheviks,10661000"
    assert target in text
    record.write_text(text.replace(target, target.replace("10661000", "10661001")))
    assert data_version(record) != base                                   # a target: changed
    shipped = data_file("mapping.toml").read_text()
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(shipped + '\n[ids."constituent_assembly:volga:1917-11-25"]\nobservable = "x"\n')
    assert data_version(None, mapping) == base                            # an out-of-sample mapping: unchanged
    family = '[families.constituent_assembly]\n'
    assert family in shipped
    mapping.write_text(shipped.replace(family, family + '\nexclude_regions = ["ukraine"]'))
    assert data_version(None, mapping) != base                            # how a target is compared: changed


def test_a_count_over_joined_fronts_sums_their_regions(run):
    """Levshin's deserters of the Northern and Western fronts (1-7 April O.S.) are compared with
    the soldiers the two model fronts together lose to their villages over those seven days, and
    the Stavka's count after the revolution with every region's over its months."""
    c = next(c for c in compare_all(run) if c.id == "deserters:northern_and_western_fronts:1917-04-14")
    days = [run.day_index(dt.date(1917, 4, 14) + dt.timedelta(days=i)) for i in range(7)]
    fronts = [run.regions.index("northern_front"), run.regions.index("western_front")]
    expected = run.deserters[days][:, fronts].sum()
    assert c.observed == 7688 and c.simulated == pytest.approx(expected)
    one = run.deserters[days][:, fronts[:1]].sum()
    assert c.simulated == pytest.approx(one + run.deserters[days][:, fronts[1]].sum())
    stavka = next(c for c in compare_all(run) if c.id == "deserters:all_russia:1917-03-15")
    span = slice(run.day_index(dt.date(1917, 3, 15)), run.day_index(dt.date(1917, 8, 13)) + 1)
    assert stavka.simulated == pytest.approx(run.deserters[span].sum()) and stavka.simulated > 0
