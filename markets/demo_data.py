"""Demo data for the embedded default: Guangxi, three markets in two cities, staff of every role.

Plain constants with no Django imports, so scripts (the CI smoke test) can read the demo
sign-ins. Never load these into a production database: the password and keys are public.
"""

DEMO_PASSWORD = "Demo-Gig-2026!"  # noqa: S105 -- public by design, demo only

PROVINCE = ("450000", "广西壮族自治区")

CITIES = [
    ("450100", "南宁市"),
    ("450200", "柳州市"),
    ("450300", "桂林市"),
    ("450400", "梧州市"),
    ("450500", "北海市"),
    ("450600", "防城港市"),
    ("450700", "钦州市"),
    ("450800", "贵港市"),
    ("450900", "玉林市"),
    ("451000", "百色市"),
    ("451100", "贺州市"),
    ("451200", "河池市"),
    ("451300", "来宾市"),
    ("451400", "崇左市"),
]

COUNTIES = [
    ("450102", "兴宁区"),
    ("450103", "青秀区"),
    ("450105", "江南区"),
    ("450107", "西乡塘区"),
    ("450202", "城中区"),
    ("450203", "鱼峰区"),
    ("450204", "柳南区"),
]

MARKETS = [
    {
        "region": "450100",
        "name": "南宁市零工市场",
        "service_phone": "0771-5501234",
        "address": "南宁市青秀区民族大道 100 号",
        "premises_area_m2": "320.0",
        "stations": [
            ("南湖社区家门口就业服务站", "南宁市青秀区南湖街道双拥路 38 号"),
            ("新竹社区家门口就业服务站", "南宁市青秀区新竹街道古城路 12 号"),
        ],
    },
    {
        "region": "450103",
        "name": "南宁市青秀区零工市场",
        "service_phone": "0771-5609876",
        "address": "南宁市青秀区东葛路 86 号",
        "premises_area_m2": "150.0",
        "stations": [("中山社区家门口就业服务站", "南宁市青秀区中山街道中山路 21 号")],
    },
    {
        "region": "450200",
        "name": "柳州市零工市场",
        "service_phone": "0772-2801234",
        "address": "柳州市城中区龙城路 8 号",
        "premises_area_m2": "260.0",
        "stations": [("柳南区河西家门口就业服务站", "柳州市柳南区河西路 55 号")],
    },
]

# role: officer / team_lead (with "market"), inspector (with "region"), or an admin role.
# TOTP keys are fixed so the demo can be signed into from any authenticator app.
DEMO_USERS = [
    {
        "username": "officer",
        "full_name": "李明（窗口首问责任人）",
        "role": "officer",
        "market": "南宁市零工市场",
        "totp_key_hex": "3132333435363738393031323334353637383930",
    },
    {
        "username": "officer2",
        "full_name": "黄丽（窗口工作人员）",
        "role": "officer",
        "market": "柳州市零工市场",
        "totp_key_hex": "4f1d2c3b4a5968778695a4b3c2d1e0f011223344",
    },
    {
        "username": "teamlead",
        "full_name": "韦强（市场负责人）",
        "role": "team_lead",
        "market": "南宁市零工市场",
        "totp_key_hex": "a1b2c3d4e5f60718293a4b5c6d7e8f9001122334",
    },
    {
        "username": "inspector",
        "full_name": "陆芳（自治区督查）",
        "role": "inspector",
        "region": "450000",
        "totp_key_hex": "5566778899aabbccddeeff001122334455667788",
    },
    {
        "username": "sysadmin",
        "full_name": "系统管理员",
        "role": "system_admin",
        "totp_key_hex": "0102030405060708090a0b0c0d0e0f1011121314",
    },
    {
        "username": "secadmin",
        "full_name": "安全管理员",
        "role": "security_admin",
        "totp_key_hex": "1415161718191a1b1c1d1e1f2021222324252627",
    },
    {
        "username": "auditadmin",
        "full_name": "审计管理员",
        "role": "audit_admin",
        "totp_key_hex": "28292a2b2c2d2e2f303132333435363738393a3b",
    },
]
