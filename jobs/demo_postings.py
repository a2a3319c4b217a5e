"""Postings for the demo: one of each known applicant tracking system, and a few plain sites."""

DEMO_POSTINGS = [
    {
        "url": "https://boards.greenhouse.io/acme/jobs/4012345",
        "company": "Acme",
        "title": "Backend Engineer (Python)",
        "location": "Remote, EU",
    },
    {
        "url": "https://boards.greenhouse.io/acme/jobs/4012346",
        "company": "Acme",
        "title": "Site Reliability Engineer",
        "location": "Berlin",
    },
    {
        "url": "https://jobs.lever.co/globex/8f14e45f-ceea-467f-a0e6-1c3f0b1a2d3e",
        "company": "Globex",
        "title": "Senior Django Developer",
        "location": "London",
    },
    {
        "url": "https://jobs.ashbyhq.com/initech/3c59dc04-8f4e-4a51-9b0a-2f1e3d4c5b6a",
        "company": "Initech",
        "title": "Platform Engineer",
        "location": "Remote, US",
    },
    {
        "url": "https://umbrella.wd5.myworkdayjobs.com/en-US/Careers/job/Remote/Data-Engineer_R-10234",
        "company": "Umbrella",
        "title": "Data Engineer",
        "location": "Remote",
    },
    {
        "url": "https://careers.hooli.example/jobs/staff-engineer",
        "company": "Hooli",
        "title": "Staff Engineer",
        "location": "Palo Alto",
    },
    {
        "url": "https://careers.piedpiper.example/openings/4471",
        "company": "Pied Piper",
        "title": "Junior Python Engineer",
        "location": "Remote",
    },
    {
        "url": "https://boards.greenhouse.io/soylent/jobs/5550001",
        "company": "Soylent",
        "title": "Sales Manager",
        "location": "New York",
    },
]
