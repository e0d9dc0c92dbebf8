from tandem.accounts import Role


def test_each_role_lands_on_its_home(client_as, world):
    expected = {
        Role.OWNER: "overview",
        Role.SOCIAL_MANAGER: "Social this week",
        Role.MARKETER: "Performance, last 30 days",
        Role.APPROVER: "Review queue",
        Role.ANALYST: "Read-only access",
    }
    for role, marker in expected.items():
        c = client_as(role)
        response = c.get("/")
        assert response.status_code == 200, (role, response.text[:500])
        assert marker in response.text, role
