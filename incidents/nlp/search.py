"""Semantic search: hashed term vectors stored at write time, TF-IDF weighting and LSA at query time.

Hashing needs no fitted vocabulary, so a document's vector is computed once, when its incident is
written; the organization's IDF (and an LSA projection once the corpus is large enough) is applied
when a query runs, over the stored vectors only.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db import transaction
from scipy import sparse
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import HashingVectorizer, TfidfTransformer
from sklearn.preprocessing import normalize

from incidents.models import Incident
from incidents.nlp.models import DocumentKind, SearchDocument

N_FEATURES = 2**18
LSA_MIN_DOCUMENTS = 30
LSA_COMPONENTS = 64
MAX_DOCUMENTS = 5000

_vectorizer = HashingVectorizer(
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    ngram_range=(1, 2),
    token_pattern=r"(?u)\b[\w.:/-]{2,}\b",  # noqa: S106  (a regex, not a password)
)


def terms_of(text: str) -> dict[str, int]:
    row = _vectorizer.transform([text]).tocsr()
    return {str(index): int(value) for index, value in zip(row.indices, row.data, strict=True)}


def _humanize(value: str) -> str:
    return value.replace("_", " ")


def threat_text(threat) -> str:
    parts = [
        threat.title,
        _humanize(threat.threat_type),
        threat.severity,
        threat.source_ip or "",
        threat.target,
        " ".join(threat.mitre_techniques or []),
        threat.detector,
    ]
    return " ".join(p for p in parts if p)


def incident_text(incident, threats) -> str:
    parts = [
        incident.title,
        incident.severity,
        incident.status,
        incident.source_ip or "",
        " ".join(incident.mitre_techniques or []),
    ]
    parts += [threat_text(t) for t in threats]
    return " ".join(p for p in parts if p)


@transaction.atomic
def incident_index(*, organization, incident_id) -> int:
    """(Re)index one incident and its threats; idempotent (upserts)."""
    incident = Incident.objects.for_organization(organization).filter(pk=incident_id).first()
    if incident is None:
        return 0
    threats = list(incident.threats.all())
    documents = SearchDocument.objects.for_organization(organization)
    items = [(DocumentKind.INCIDENT, incident, incident_text(incident, threats), incident.last_seen_at)]
    items += [(DocumentKind.THREAT, t, threat_text(t), t.detected_at) for t in threats]
    for kind, obj, text, occurred in items:
        documents.update_or_create(
            organization=organization,
            kind=kind,
            object_id=obj.pk,
            defaults={
                "human_id": obj.human_id,
                "title": obj.title[:300],
                "text": text,
                "terms": terms_of(text),
                "severity": obj.severity,
                "occurred_at": occurred,
            },
        )
    return len(items)


def _matrix(rows: list[dict[str, int]]) -> sparse.csr_matrix:
    data, indices, indptr = [], [], [0]
    for row in rows:
        for index, value in row.items():
            indices.append(int(index))
            data.append(value)
        indptr.append(len(indices))
    return sparse.csr_matrix((np.asarray(data, dtype=float), indices, indptr), shape=(len(rows), N_FEATURES))


def semantic_search(
    *, organization, query: str, kinds: list[str], limit: int, min_score: float
) -> dict[str, Any]:
    documents = list(
        SearchDocument.objects.for_organization(organization)
        .filter(kind__in=kinds)
        .order_by("-occurred_at")
        .only("kind", "object_id", "human_id", "title", "terms", "severity", "occurred_at")[:MAX_DOCUMENTS]
    )
    method = "tfidf"
    if not documents:
        return {"method": method, "documents": 0, "results": []}
    corpus = _matrix([d.terms for d in documents])
    tfidf = TfidfTransformer(sublinear_tf=True).fit(corpus)
    doc_vectors = tfidf.transform(corpus)
    query_vector = tfidf.transform(_vectorizer.transform([query]))
    if len(documents) >= LSA_MIN_DOCUMENTS:
        method = "tfidf_lsa"
        components = min(LSA_COMPONENTS, len(documents) - 1)
        svd = TruncatedSVD(n_components=components, random_state=0).fit(doc_vectors)
        docs_dense = normalize(svd.transform(doc_vectors))
        query_dense = normalize(svd.transform(query_vector))
        lsa = docs_dense @ query_dense[0]
        lexical = (normalize(doc_vectors) @ normalize(query_vector).T).toarray().ravel()
        # LSA finds related wording; the lexical cosine keeps exact matches on top.
        scores = 0.5 * lsa + 0.5 * lexical
    else:
        scores = (normalize(doc_vectors) @ normalize(query_vector).T).toarray().ravel()
    order = np.argsort(-scores)
    results = []
    for index in order[:limit]:
        score = float(scores[index])
        if score <= min_score:
            break
        doc = documents[index]
        results.append(
            {
                "kind": doc.kind,
                "id": doc.object_id,
                "human_id": doc.human_id,
                "title": doc.title,
                "severity": doc.severity,
                "occurred_at": doc.occurred_at,
                "score": round(score, 4),
            }
        )
    return {"method": method, "documents": len(documents), "results": results}
