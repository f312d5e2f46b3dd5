"""Officer commands: ``cases`` (case-study finder), ``pack`` (evidence pack) and ``assess``
(TIEx-style self-assessment).

Models and the index are loaded inside the commands so ``--help`` stays instant.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from assistant.errors import AssistantError, ConfigurationError, InputError
from assistant.guardrails import check_audience
from ui.cli.common import DataDirOption, console, fail, load_settings

if TYPE_CHECKING:
    from assistant.app import Services
    from assistant.officer import Assessment, CaseResult
    from assistant.ports import OfficerService
    from assistant.settings import Settings


def _open(settings: Settings) -> Services:
    """The services, built once by the composition root (``assistant.app``)."""
    from assistant.app import build_services

    return build_services(settings)


def _officer(services: Services) -> OfficerService:
    if services.officer is None:
        raise ConfigurationError(
            f"No catalogue at {services.assistant.settings.corpus_dir}: the officer tools need "
            "the project's corpus/ folder (set LGA_ASSISTANT_CORPUS_DIR)."
        )
    return services.officer


def _where(citation: Any) -> str:
    chunk = citation.chunk
    parts = [chunk.title or chunk.public_source]
    if chunk.section and chunk.section != parts[0]:
        parts.append(chunk.section.removeprefix(parts[0] + " > "))
    if chunk.page_start is not None:
        parts.append(f"page {chunk.page_start}")
    return ", ".join(parts) + (f" <{chunk.url}>" if chunk.url else "")


def _print_cases(cases: list[CaseResult]) -> None:
    from assistant.knowledge.gazetteer import council_type_label

    if not cases:
        typer.echo("No council in the indexed documents matches: try fewer filters.")
        return
    for i, case in enumerate(cases, 1):
        meta = ", ".join(p for p in (council_type_label(case.council_type), case.region) if p)
        typer.echo(f"{i}. {case.council}" + (f" ({meta})" if meta else ""))
        typer.echo(f"   {case.what} " + "".join(f"[{c.n}]" for c in case.citations))
        if case.themes:
            typer.echo(f"   themes: {', '.join(case.themes)}")
        for c in case.citations:
            typer.echo(f"   [{c.n}] \u201c{c.quote}\u201d ({_where(c)})")
        typer.echo("")


def cases(
    query: Annotated[
        str | None, typer.Argument(help="What the councils should have done (optional).")
    ] = None,
    theme: Annotated[
        str | None, typer.Option("--theme", help="Theme id or label, e.g. digital.")
    ] = None,
    council_type: Annotated[
        str | None,
        typer.Option("--council-type", help="county, district, unitary, metropolitan, london...."),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="ONS region, e.g. 'South East'.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=100, help="Most councils.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as JSON.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Find councils that have done something similar, with the passages that say so."""
    from assistant.officer import CaseQuery, case_to_dict

    settings = load_settings(data_dir)
    request = CaseQuery(
        query=query, theme=theme, council_type=council_type, region=region, limit=limit
    )
    try:
        services = _open(settings)
        try:
            found = list(_officer(services).cases(request))
        finally:
            services.close()
    except AssistantError as exc:
        raise fail(exc) from exc
    if as_json:
        typer.echo(json.dumps([case_to_dict(c) for c in found], indent=2, ensure_ascii=False))
    else:
        _print_cases(found)


def pack(
    question: Annotated[str, typer.Argument(help="The question the pack answers.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: pack.docx or pack.md.")],
    audience: Annotated[str, typer.Option("--audience", help="councillor or officer.")] = "officer",
    max_cases: Annotated[
        int, typer.Option("--cases", min=0, max=20, help="Extra case studies to include.")
    ] = 5,
    data_dir: DataDirOption = None,
) -> None:
    """Write an evidence pack (answer, case studies, resources, next steps, references)."""
    from assistant.officer.pack import pack_format_for, write_pack
    from assistant.types import AUDIENCES

    settings = load_settings(data_dir)
    try:
        if audience not in AUDIENCES:
            raise InputError(f"Unknown audience {audience!r}: use councillor or officer.")
        fmt = pack_format_for(out)
        services = _open(settings)
        try:
            officer = _officer(services)
            answer = services.assistant.ask(question, audience=audience)
            data = officer.pack(answer, fmt=fmt, cases=max_cases)
        finally:
            services.close()
        write_pack(out, data)
    except AssistantError as exc:
        raise fail(exc) from exc
    if answer.refused:
        console.print(
            "[yellow]warning:[/] the indexed documents do not answer this question "
            f"({answer.refusal_reason or 'no evidence'}); the pack says so."
        )
    console.print(f"Evidence pack written to {out} ({len(data):,} bytes).")


def _parse_flag(flag: str) -> tuple[str, str]:
    key, sep, value = flag.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise InputError(f"Bad --rating {flag!r}: write AREA=N, e.g. capacity_to_deliver=2.")
    return key.strip(), value.strip()


def read_ratings_file(path: Path) -> dict[str, Any]:
    """Ratings from a YAML or JSON file: ``{area: rating}`` or ``{"ratings": {area: rating}}``."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(f"Cannot read {path} ({exc}): check the --file path.") from exc
    except yaml.YAMLError as exc:
        raise InputError(
            f"{path} is not valid YAML or JSON ({exc}): write one 'area: rating' per line."
        ) from exc
    if isinstance(data, dict) and isinstance(data.get("ratings"), dict):
        data = data["ratings"]
    if not isinstance(data, dict):
        raise InputError(
            f"{path} must hold a mapping of area to rating, e.g. 'capacity_to_deliver: 2'."
        )
    return {str(k): v for k, v in data.items()}


def _ask_rating(label: str) -> int:
    """Prompt until the answer is a whole number from 1 to 5."""
    while True:
        answer = str(typer.prompt(f"{label}: rate 1 (weak) to 5 (strong)", err=True)).strip()
        if answer.isdigit() and 1 <= int(answer) <= 5:
            return int(answer)
        console.print("Please type a whole number from 1 to 5.")


def _print_assessment(result: Assessment) -> None:
    typer.echo("Ratings: " + ", ".join(f"{a}={r}" for a, r in result.ratings))
    for area in result.weakest:
        typer.echo("")
        typer.echo(f"== {area.label} (rated {area.rating}) ==")
        if area.next_steps:
            typer.echo("Next steps:")
            for s in area.next_steps:
                cites = "".join(f"[{n}]" for n in s.citations)
                typer.echo(f"  - {s.title} ({s.framework}) {cites}")
        if area.resources:
            typer.echo("Resources:")
            for s in area.resources:
                cites = "".join(f"[{n}]" for n in s.citations)
                typer.echo(f"  - {s.title}: {s.why} {cites}" + (f" <{s.url}>" if s.url else ""))
        if area.peers:
            typer.echo("Peers:")
            for s in area.peers:
                cites = "".join(f"[{n}]" for n in s.citations)
                typer.echo(f"  - {s.title}: {s.why} {cites}")
        if area.citations:
            typer.echo("Sources:")
            for c in area.citations:
                typer.echo(f"  [{c.n}] \u201c{c.quote}\u201d ({_where(c)})")


def assess(
    rating: Annotated[
        list[str] | None,
        typer.Option(
            "--rating",
            "-r",
            help="AREA=N with N from 1 to 5, e.g. capacity_to_deliver=2 (repeatable).",
        ),
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="YAML or JSON file of 'area: rating' pairs."),
    ] = None,
    audience: Annotated[str, typer.Option("--audience", help="councillor or officer.")] = "officer",
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    data_dir: DataDirOption = None,
) -> None:
    """Rate the council 1-5 on the TIEx focus areas (optionally the 7Cs) and get advice on the
    weakest areas. Without --rating or --file, asks for each TIEx area in turn."""
    from assistant.officer import assessment_to_dict

    settings = load_settings(data_dir)
    try:
        if rating and file:
            raise InputError("Give ratings with --rating or --file, not both.")
        ratings: dict[str, Any] = {}
        if file:
            ratings = read_ratings_file(file)
        for flag in rating or ():
            key, value = _parse_flag(flag)
            if key in ratings:
                raise InputError(f"Area {key!r} is rated twice: give each area one rating.")
            ratings[key] = value
        checked = check_audience(audience)
        services = _open(settings)
        try:
            officer = _officer(services)
            if not ratings:
                for area in officer.areas():
                    ratings[area] = _ask_rating(area)
            result = officer.assess(ratings, audience=checked)
        finally:
            services.close()
    except AssistantError as exc:
        raise fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(assessment_to_dict(result), indent=2, ensure_ascii=False))
    else:
        _print_assessment(result)


def register(app: typer.Typer) -> None:
    """Add ``cases``, ``pack`` and ``assess`` to the root app."""
    app.command("cases")(cases)
    app.command("pack")(pack)
    app.command("assess")(assess)
