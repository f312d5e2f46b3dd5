def test_split_sentences_is_memoised_but_hands_out_a_fresh_list() -> None:
    from assistant.text.sentences import split_sentences

    text = "Councils share learning. Peers review each other's plans."
    first = split_sentences(text)
    first.clear()  # a caller changing its list does not change the next caller's
    again = split_sentences(text)
    assert [s.text for s in again] == [
        "Councils share learning.",
        "Peers review each other's plans.",
    ]
    assert again[0] is split_sentences(text)[0]  # the same (frozen) sentences: not split again
