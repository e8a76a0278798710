"""Readers of the shared formats, on inline fixtures."""

from newsmon.devtools.evaluation.readers import (
    IDNER,
    NERGRIT,
    NERP,
    NERP_LABELS,
    NERGRIT_LABELS,
    NERUGM,
    NERUGM_LABELS,
    PLAIN_LABELS,
    UNER,
    WIKIANN,
    bio_to_spans,
    parse_bio,
    parse_detik_csv,
    parse_gva_jsonl,
    parse_tribun_jsonl,
)


def spans_text(sentence):
    return [(sentence.text[s:e], label) for s, e, label in sentence.spans]


def test_bio_to_character_spans():
    text, spans = bio_to_spans(["Joko", "Widodo", "ke", "Jawa", "Barat", "."],
                               ["B-PERSON", "I-PERSON", "O", "B-PLACE", "I-PLACE", "O"], NERGRIT_LABELS)
    assert text == "Joko Widodo ke Jawa Barat ."
    assert spans == [(0, 11, "PER"), (15, 25, "LOC")]


def test_adjacent_b_tags_are_two_spans_and_stray_i_starts_one():
    text, spans = bio_to_spans(["Jakarta", "Bandung", "kata", "Polri"], ["B-LOC", "B-LOC", "O", "I-ORG"], PLAIN_LABELS)
    assert [text[s:e] for s, e, _ in spans] == ["Jakarta", "Bandung", "Polri"]
    assert [label for *_, label in spans] == ["LOC", "LOC", "ORG"]


def test_i_of_another_label_closes_the_span():
    text, spans = bio_to_spans(["Bank", "Jakarta"], ["B-ORG", "I-LOC"], PLAIN_LABELS)
    assert spans == [(0, 4, "ORG"), (5, 12, "LOC")]


def test_unscored_labels_are_dropped_but_still_take_their_place():
    content = "festival\tB-EVT\njazz\tI-EVT\ndi\tO\nbali\tB-PLC\n\n"
    [sentence] = parse_bio(content, NERP, NERP_LABELS)
    assert sentence.text == "festival jazz di bali"
    assert spans_text(sentence) == [("bali", "LOC")]


def test_sentences_split_on_blank_lines_and_last_one_without_trailing_blank():
    content = "Budi\tB-PERSON\ndatang\tO\n\n\nUniversitas\tB-ORGANIZATION\nGadjah\tI-ORGANIZATION\nMada\tI-ORGANIZATION"
    first, second = parse_bio(content, NERUGM, NERUGM_LABELS)
    assert spans_text(first) == [("Budi", "PER")]
    assert spans_text(second) == [("Universitas Gadjah Mada", "ORG")]


def test_idner_space_separated_with_crlf():
    content = "Berikut PROPN O\r\nkota NOUN O\r\ndi ADP O\r\nIndonesia PROPN B-LOC\r\n\r\nKPK PROPN B-ORG\r\n\r\n"
    first, second = parse_bio(content, IDNER, PLAIN_LABELS)
    assert first.text == "Berikut kota di Indonesia"
    assert spans_text(first) == [("Indonesia", "LOC")]
    assert "\r" not in first.text + second.text
    assert spans_text(second) == [("KPK", "ORG")]


def test_wikiann_en_prefix_is_removed():
    content = "en:Shortly\tO\nen:to\tO\nen:New\tB-LOC\nen:Delhi\tI-LOC\nen:.\tO\n\n"
    [sentence] = parse_bio(content, WIKIANN, PLAIN_LABELS)
    assert sentence.text == "Shortly to New Delhi ."
    assert spans_text(sentence) == [("New Delhi", "LOC")]


def test_uner_comments_and_columns():
    content = ("# newdoc id = x\n# sent_id = x-1\n# text = What is this Miramar?\n"
               "1\tWhat\tO\t-\t-\n2\tis\tO\t-\t-\n3\tthis\tO\t-\t-\n4\tMiramar\tB-LOC\t-\tstephen\n5\t?\tO\t-\t-\n\n")
    [sentence] = parse_bio(content, UNER, PLAIN_LABELS)
    assert sentence.text == "What is this Miramar ?"
    assert spans_text(sentence) == [("Miramar", "LOC")]


def test_token_with_inner_space_or_decomposed_accent_keeps_offsets():
    [sentence] = parse_bio("New\u00a0York\tB-LOC\nCafe\u0301\tB-ORG\n\n", NERGRIT, PLAIN_LABELS)
    assert sentence.text == "New_York Caf\u00e9"
    assert spans_text(sentence) == [("New_York", "LOC"), ("Caf\u00e9", "ORG")]


def test_detik_csv_with_quoted_newlines():
    content = 'judul,tanggal,konten,kategori\nJudul Satu,05 Jan 2025,"Baris satu.\nBaris ""dua"".",finance\n'
    [article] = parse_detik_csv(content)
    assert article.title == "Judul Satu" and article.label == "finance"
    assert article.text == 'Baris satu.\nBaris "dua".'


def test_tribun_jsonl():
    content = '{"title": "T", "url": "u", "text": "Isi berita.", "label": "Olahraga"}\n\n'
    [article] = parse_tribun_jsonl(content, "test")
    assert (article.id, article.label, article.text) == ("tribun-test-1", "Olahraga", "Isi berita.")


def test_gva_jsonl():
    content = ('{"incident_id": "1", "num_killed": 2, "num_injured": 0, "articles": '
               '[{"doc_id": "a", "title": "T", "content": "Two men were killed."}]}\n')
    [incident] = parse_gva_jsonl(content)
    assert (incident.id, incident.killed, incident.injured) == ("1", 2, 0)
    assert incident.articles == (("a", "T", "Two men were killed."),)
