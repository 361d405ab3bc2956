"""The règlement's fields: articles with stable ids, and its earlier adopted versions."""

from __future__ import annotations

from cms.content_loader.base import LoaderBase
from cms.content_loader.errors import ContentError
from cms.content_loader.richtext import text_to_html
from cms.content_loader.streams import block_id, stream
from cms.content_loader.values import check_keys, read_date, read_list, read_slug, read_text
from cms.content_loader.writing import upsert
from members.models import College


class ReglementFields(LoaderBase):
    """``_fields_reglement`` and ``_after_reglement``, which loads the ``versions`` list."""

    ARTICLE_KEYS = {"key", "title", "body"}
    VERSION_KEYS = {"version", "adopted_on", "approved_by", "intro", "articles"}

    def _articles(self, entry, path, page_path) -> list[dict]:
        """``[{"id", "title", "body"}]``: an article's ``key`` gives it the same block id in
        every version, so the comparison of versions follows it through renames."""
        articles: list[dict] = []
        keys: dict[str, str] = {}
        for index, article in enumerate(read_list(entry, "articles", path)):
            article_path = f"{path}.articles[{index}]"
            check_keys(article, article_path, self.ARTICLE_KEYS, required=("title",))
            key = read_slug(article, "key", article_path) if "key" in article else ""
            if key in keys:
                raise ContentError(
                    f"{article_path}.key", f"« {key} » est déjà utilisé en {keys[key]}"
                )
            if key:
                keys[key] = article_path
            articles.append(
                {
                    "id": block_id(page_path, "articles", key) if key else "",
                    "title": read_text(article, "title", article_path, max_length=200),
                    "body": text_to_html(read_text(article, "body", article_path)),
                }
            )
        return articles

    def _fields_reglement(self, entry, path, page_path):
        read_list(entry, "versions", path)  # checked here, loaded by _after_reglement
        articles = self._articles(entry, path, page_path)
        blocks = stream(
            page_path,
            "articles",
            [("article", {"title": a["title"], "body": a["body"]}) for a in articles],
        )
        for block, article in zip(blocks, articles, strict=True):
            block["id"] = article["id"] or block["id"]
        return {
            "version_label": read_text(entry, "version", path, max_length=40),
            "adopted_on": read_date(entry, "adopted_on", path),
            "intro": text_to_html(read_text(entry, "intro", path)),
            "articles": blocks,
        }, {"approved_by": self._refs(College, entry, "approved_by", path)}

    def _after_reglement(self, page, entry, path, page_path) -> None:
        """Earlier adopted versions, kept as ``ReglementVersion`` rows (matched by label)."""
        seen: dict[str, str] = {}
        for index, item in enumerate(read_list(entry, "versions", path)):
            version_path = f"{path}.versions[{index}]"
            check_keys(item, version_path, self.VERSION_KEYS, required=("version",))
            label = read_text(item, "version", version_path, max_length=40)
            if not label:
                raise ContentError(f"{version_path}.version", "un numéro de version est attendu")
            if label in seen or label == page.version_label:
                where = seen.get(label, f"{path}.version")
                raise ContentError(f"{version_path}.version", f"« {label} » figure déjà en {where}")
            seen[label] = version_path
            self._load_version(page, item, label, version_path, page_path)

    def _load_version(self, page, item: dict, label: str, path: str, page_path: str) -> None:
        from cms.reglement.models import ReglementVersion

        adopted_on = read_date(item, "adopted_on", path)
        colleges = self._refs(College, item, "approved_by", path)
        version = upsert(
            ReglementVersion,
            {"page": page, "label": label},
            {
                "adopted_on": adopted_on,
                "intro": text_to_html(read_text(item, "intro", path)),
                "articles": self._articles(item, path, page_path),
            },
            self.report,
            "version(s) du règlement",
            path,
        )
        if self._sync_version_approvals(version, {college.pk for college in colleges}, adopted_on):
            self.report["approbation(s) de version mise(s) à jour"] += 1

    @staticmethod
    def _sync_version_approvals(version, wanted: set[int], approved_on) -> bool:
        """The version's approvals become exactly ``wanted``, dated ``approved_on``."""
        from cms.reglement.models import VersionApproval

        current = {a.college_id: a for a in VersionApproval.objects.filter(version=version)}
        stale = [pk for pk in current if pk not in wanted]
        redated = [a for pk, a in current.items() if pk in wanted and a.approved_on != approved_on]
        missing = [pk for pk in wanted if pk not in current]
        if stale:
            VersionApproval.objects.filter(version=version, college_id__in=stale).delete()
        for approval in redated:
            approval.approved_on = approved_on
            approval.save(update_fields=["approved_on"])
        VersionApproval.objects.bulk_create(
            VersionApproval(version=version, college_id=pk, approved_on=approved_on)
            for pk in missing
        )
        return bool(stale or redated or missing)
