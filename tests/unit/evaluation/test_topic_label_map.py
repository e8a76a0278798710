"""The topic label map points only at the 17 IPTC top-level codes and covers every channel."""

from newsmon.devtools.evaluation.topics import label_map
from newsmon.nlp.resources import load_json

TOP_LEVEL = set(load_json("iptc_top_level.json")["topics"])

# The channel labels the shared data README lists for each set.
CHANNELS = {
    "detik": {"food", "properti", "sport", "oto", "finance", "inet", "travel", "health", "edu"},
    "tribun": {"Bisnis", "Kesehatan", "Otomotif", "Pengetahuan", "Gaya Hidup", "Olahraga", "Pendidikan", "Teknologi"},
    "sib200": {"science/technology", "travel", "politics", "sports", "health", "entertainment", "geography"},
}


def test_there_are_seventeen_top_level_codes():
    assert len(TOP_LEVEL) == 17


def test_every_mapped_code_is_a_top_level_code():
    for name, mapping in label_map().items():
        for label, code in mapping.items():
            assert code is None or code in TOP_LEVEL, f"{name}/{label}: {code}"


def test_every_channel_is_decided():
    maps = label_map()
    for name, channels in CHANNELS.items():
        assert set(maps[name]) == channels


def test_a_few_obvious_mappings():
    maps = label_map()
    assert maps["detik"]["sport"] == maps["tribun"]["Olahraga"] == "medtop:15000000"
    assert maps["detik"]["health"] == maps["tribun"]["Kesehatan"] == "medtop:07000000"
    assert maps["detik"]["edu"] == maps["tribun"]["Pendidikan"] == "medtop:05000000"


def test_clickid_keys_are_publisher_channels_and_hard_news_desks_are_not_scored():
    clickid = label_map()["clickid"]
    publishers = {"kompas", "okezone", "sindonews", "tempo", "tribunnews", "pos_metro"}
    assert all(key.split("/")[0] in publishers for key in clickid)
    assert clickid["sindonews/Nasional/hukum"] == clickid["pos_metro/Kriminal"] == "medtop:02000000"
    assert clickid["kompas/News/Nasional"] is None and clickid["okezone/News"] is None
