"""``flask matches intent ID`` and ``flask matches organisation SLUG``."""


def test_ranked_suppliers_for_a_tender_with_reasons(runner, market):
    result = runner.invoke(args=["matches", "intent", str(market.intent.id)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Smartphones for the city (announced)")
    assert "Circular Computing" in lines[1] and lines[1].strip().startswith("1.")
    assert "Offers 32250000-0, a code of the tender." in result.output
    assert result.output.index("Circular Computing") < result.output.index("Nordic IT Partners")


def test_ranked_tenders_for_an_organisation(runner, market):
    result = runner.invoke(args=["matches", "organisation", market.w.supplier_org.slug])
    assert result.exit_code == 0, result.output
    assert "Smartphones for the city" in result.output and "Secret draft phones" not in result.output
    assert "Electronics Watch: production sites disclosed." in result.output


def test_unknown_id_or_slug_is_a_clean_error(runner, market, make_org):
    result = runner.invoke(args=["matches", "intent", "999999"])
    assert result.exit_code == 1 and "no planned tender with the id 999999" in result.output
    result = runner.invoke(args=["matches", "organisation", "nobody"])
    assert result.exit_code == 1 and "no organisation with the address 'nobody'" in result.output
    result = runner.invoke(args=["matches", "organisation", make_org().slug])
    assert result.exit_code == 1 and "has no profile to match on" in result.output
    assert "Traceback" not in result.output
