-- Every human-readable text of a service and an article in Finnish, Swedish and English (catalogue
-- exchange format version 2). The plain text columns become the Finnish one of three; inside the
-- JSON columns each text becomes {"fi": …} (keys in the sorted order the server writes them), and
-- the keyword list the Finnish one: {"fi": [...]}.

ALTER TABLE service RENAME COLUMN cost_description TO cost_description_fi;
ALTER TABLE service ADD COLUMN cost_description_sv TEXT;
ALTER TABLE service ADD COLUMN cost_description_en TEXT;
ALTER TABLE service RENAME COLUMN accessibility_notes TO accessibility_notes_fi;
ALTER TABLE service ADD COLUMN accessibility_notes_sv TEXT;
ALTER TABLE service ADD COLUMN accessibility_notes_en TEXT;
ALTER TABLE service RENAME COLUMN target_description TO target_description_fi;
ALTER TABLE service ADD COLUMN target_description_sv TEXT;
ALTER TABLE service ADD COLUMN target_description_en TEXT;

UPDATE service SET
    keywords = json_object('fi', json(keywords)),
    delivery = json_object(
        'duration', json_object('fi', json_extract(delivery, '$.duration')),
        'locations', (
            SELECT json_group_array(json_object(
                'address', json_object('fi', json_extract(value, '$.address')),
                'city', json_object('fi', json_extract(value, '$.city')),
                'name', json_object('fi', json_extract(value, '$.name')),
                'postalCode', json_extract(value, '$.postalCode')))
            FROM json_each(service.delivery, '$.locations')),
        'schedule', json_object('fi', json_extract(delivery, '$.schedule'))),
    participation = json_object(
        'benefitsEffect', json_object('fi', json_extract(participation, '$.benefitsEffect')),
        'consents', json_object('fi', json_extract(participation, '$.consents')),
        'howToApply', json_object('fi', json_extract(participation, '$.howToApply')),
        'prerequisites', json_object('fi', json_extract(participation, '$.prerequisites'))),
    contacts = (
        SELECT json_group_array(json_object(
            'email', json_extract(value, '$.email'),
            'name', json_extract(value, '$.name'),
            'phone', json_extract(value, '$.phone'),
            'role', json_object('fi', json_extract(value, '$.role'))))
        FROM json_each(service.contacts)),
    links = (
        SELECT json_group_array(json_object(
            'title', json_object('fi', json_extract(value, '$.title')),
            'url', json_extract(value, '$.url')))
        FROM json_each(service.links)),
    internal = json_object(
        'clientRecordInstructions', json_object('fi', json_extract(internal, '$.clientRecordInstructions')),
        'guidanceProcess', json_object('fi', json_extract(internal, '$.guidanceProcess')),
        'internalContacts', json_object('fi', json_extract(internal, '$.internalContacts')),
        'municipalExceptions', json_object('fi', json_extract(internal, '$.municipalExceptions')),
        'obligations', json_object('fi', json_extract(internal, '$.obligations')),
        'statementsAndBenefits', json_object('fi', json_extract(internal, '$.statementsAndBenefits')),
        'travelCompensation', json_object('fi', json_extract(internal, '$.travelCompensation')));

ALTER TABLE article RENAME COLUMN body TO body_fi;
ALTER TABLE article ADD COLUMN body_sv TEXT;
ALTER TABLE article ADD COLUMN body_en TEXT;
