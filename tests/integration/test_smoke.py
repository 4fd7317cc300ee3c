from tests.support.factories import make_catalog, make_county


async def test_home(client, session_maker):
    async with session_maker() as session:
        county = await make_county(session, "raohe")
        await make_catalog(session, county, products=3, sold_out=1)
        await session.commit()
    response = await client.get("/c/raohe/")
    print(response.text[:3000])
    assert response.status_code == 200
